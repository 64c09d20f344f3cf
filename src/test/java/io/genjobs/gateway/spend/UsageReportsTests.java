package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.team.MonthlyBudget;
import io.genjobs.gateway.team.TeamAdministration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Usage reports over real HTTP from the real ledger (DESIGN, "Spend and budgets",
 * "Reports"): two teams' costs booked over several UTC days and models of February 2003
 * (a month no other test books in, so the all-teams admin report holds only these), read
 * back in every grouping, as JSON and as CSV; a team sees only its own; the budget
 * figures with a job's reservation outstanding; UTC month boundaries; and every refusal.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class UsageReportsTests {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final String ALPHA = "alpha/one";

	private static final String BETA = "beta/two";

	/** A model name a spreadsheet would run as a formula, with a comma and quotes. */
	private static final String FORMULA = "=HYPERLINK(\"http://127.0.0.1/x\",\"y\")";

	private static final String FEBRUARY = "from=2003-02-01&to=2003-02-28";

	private static final JsonMapper json = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	// Booked once per test JVM: the ledger is append-only.
	private static TestTeam a;

	private static TestTeam b;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	TeamAdministration administration;

	@Autowired
	JdbcTemplate jdbc;

	@Value("${gateway.admin-token}")
	String adminToken;

	@BeforeEach
	void bookFebruary2003Once() {
		if (a != null) {
			return;
		}
		a = this.teams.create();
		b = this.teams.create();
		// Just outside February (UTC) on either side: never counted.
		book(a, ALPHA, "2003-01-31T23:59:59.999999Z", "100");
		book(a, ALPHA, "2003-03-01T00:00:00Z", "1000");
		book(a, ALPHA, "2003-02-01T00:00:00Z", "1.5");
		book(a, ALPHA, "2003-02-01T12:00:00Z", "0.25");
		book(a, BETA, "2003-02-01T23:59:59.999999Z", "2");
		book(a, ALPHA, "2003-02-02T00:00:00Z", "0.000001");
		book(a, BETA, "2003-02-28T23:59:59.999999Z", "10");
		// 2003-02-02T01:00+01:00 is 2003-02-02T00:00Z: days are UTC days.
		book(b, ALPHA, "2003-02-01T06:00:00Z", "3");
		book(b, FORMULA, "2003-02-02T01:00:00+01:00", "0.5");
	}

	@Test
	void shouldReportATeamsTotalsWithoutGrouping() {
		JsonNode report = usage(a, FEBRUARY);
		assertThat(report.get("from").stringValue()).isEqualTo("2003-02-01T00:00:00Z");
		assertThat(report.get("to").stringValue()).as("a date `to` includes its whole day")
			.isEqualTo("2003-03-01T00:00:00Z");
		assertThat(report.get("group_by")).isEmpty();
		assertThat(report.get("data")).singleElement().satisfies((row) -> {
			assertThat(names(row)).containsExactly("jobs", "spent_usd");
			assertThat(row.get("jobs").intValue()).isEqualTo(5);
			assertThat(row.get("spent_usd").toString()).as("a plain JSON number, as a job's cost")
				.isEqualTo("13.750001");
		});
	}

	@Test
	void shouldGroupATeamsSpendByModelByDayAndByBoth() {
		assertThat(rows(usage(a, FEBRUARY + "&group_by=model"), "model"))
			.containsExactly(tuple(ALPHA, 3, new BigDecimal("1.750001")), tuple(BETA, 2, new BigDecimal("12")));
		assertThat(rows(usage(a, FEBRUARY + "&group_by=day"), "day")).containsExactly(
				tuple("2003-02-01", 3, new BigDecimal("3.75")), tuple("2003-02-02", 1, new BigDecimal("0.000001")),
				tuple("2003-02-28", 1, new BigDecimal("10")));
		JsonNode both = usage(a, FEBRUARY + "&group_by=model,day");
		assertThat(both.get("group_by")).extracting(JsonNode::stringValue).containsExactly("day", "model");
		assertThat(both.get("data"))
			.extracting((row) -> row.get("day").stringValue(), (row) -> row.get("model").stringValue(),
					(row) -> row.get("jobs").intValue(), (row) -> row.get("spent_usd").decimalValue())
			.containsExactly(tuple("2003-02-01", ALPHA, 2, new BigDecimal("1.75")),
					tuple("2003-02-01", BETA, 1, new BigDecimal("2")),
					tuple("2003-02-02", ALPHA, 1, new BigDecimal("0.000001")),
					tuple("2003-02-28", BETA, 1, new BigDecimal("10")));
		assertThat(names(both.get("data").get(0))).containsExactly("model", "day", "jobs", "spent_usd");
		assertThat(usage(a, FEBRUARY + "&group_by=day&group_by=model").get("data")).hasSize(4);
	}

	@Test
	void shouldShowATeamOnlyItsOwnSpend() {
		assertThat(rows(usage(b, FEBRUARY + "&group_by=model"), "model")).as("models in byte order")
			.containsExactly(tuple(FORMULA, 1, new BigDecimal("0.5")), tuple(ALPHA, 1, new BigDecimal("3")));
		assertThat(rows(usage(b, FEBRUARY + "&group_by=day"), "day")).as("B's 01:00+01:00 is its 2003-02-02 (UTC)")
			.containsExactly(tuple("2003-02-01", 1, new BigDecimal("3")),
					tuple("2003-02-02", 1, new BigDecimal("0.5")));
		TestTeam stranger = this.teams.create();
		assertThat(usage(stranger, FEBRUARY + "&group_by=model").get("data")).isEmpty();
		assertThat(usage(stranger, FEBRUARY).get("data")).singleElement()
			.satisfies((row) -> assertThat(row.toString()).isEqualTo("{\"jobs\":0,\"spent_usd\":0}"));
		// A team cannot ask for another's: there is no team parameter, and team is no
		// grouping.
		assertThat(total(expectProblem(get("/usage?" + FEBRUARY + "&team_id=" + a.id(), b.bearer()), 200)))
			.isEqualTo(tuple(2, new BigDecimal("3.5")));
		expectProblem(get("/usage?" + FEBRUARY + "&group_by=team", b.bearer()), 400);
	}

	@Test
	void shouldCountUtcMonthsAndDatesAndInstantsExactly() {
		assertThat(total(usage(a, "from=2003-01-31&to=2003-01-31"))).isEqualTo(tuple(1, new BigDecimal("100")));
		assertThat(total(usage(a, "from=2003-02-01T00:00:00Z&to=2003-03-01T00:00:00Z")))
			.as("an instant `to` is exclusive")
			.isEqualTo(tuple(5, new BigDecimal("13.750001")));
		// Sent as %2B01:00, the offset's "+" survives; sent raw, it arrives as a space
		// (form decoding), which is read as the "+" it was.
		for (String from : List.of("2003-02-01T01:00:00+01:00", "2003-02-01T01:00:00 01:00")) {
			JsonNode report = ok(this.client.get()
				.uri("/usage?from={from}&to={to}", from, "2003-02-01T23:59:59.999999Z")
				.header("Authorization", a.bearer())
				.exchange());
			assertThat(total(report)).as("any offset; the last microsecond excluded")
				.isEqualTo(tuple(2, new BigDecimal("1.75")));
		}
		assertThat(usage(a, "from=2003-02-01T01:00:00+01:00&to=2003-02-02").get("from").stringValue())
			.isEqualTo("2003-02-01T00:00:00Z");
		assertThat(total(usage(a, "from=2003-02-01t00:00:00z&to=2003-02-02T00:00:00.000001Z")))
			.isEqualTo(tuple(4, new BigDecimal("3.750001")));
		assertThat(total(usage(a, "to=2003-02-15"))).as("no from: the start of to's month")
			.isEqualTo(tuple(4, new BigDecimal("3.750001")));
		assertThat(usage(a, "to=2003-02-15").get("from").stringValue()).isEqualTo("2003-02-01T00:00:00Z");
		assertThat(total(usage(a, "from=2003-01-01&to=2003-12-31"))).isEqualTo(tuple(7, new BigDecimal("1113.750001")));
	}

	@Test
	void shouldReportTheCurrentUtcMonthByDefault() {
		TestTeam team = this.teams.create();
		OffsetDateTime monthStart = YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
		book(team, ALPHA, monthStart.minusNanos(1000).toString(), "7");
		book(team, ALPHA, monthStart.toString(), "0.25");
		JsonNode report = usage(team, "group_by=day");
		assertThat(report.get("from").stringValue()).isEqualTo(monthStart.toInstant().toString());
		assertThat(report.get("to").stringValue()).isEqualTo(monthStart.plusMonths(1).toInstant().toString());
		assertThat(rows(report, "day"))
			.containsExactly(tuple(monthStart.toLocalDate().toString(), 1, new BigDecimal("0.25")));
		assertThat(total(usage(team, "from=" + monthStart.minusMonths(1).toLocalDate())))
			.as("from alone: up to the end of this month")
			.isEqualTo(tuple(2, new BigDecimal("7.25")));
	}

	@Test
	void shouldReportEveryTeamOrOneToTheAdminAndGroupByTeam() {
		List<TestTeam> both = new ArrayList<>(List.of(a, b));
		both.sort(Comparator.comparing((team) -> team.id().toString()));
		JsonNode byTeam = admin(FEBRUARY + "&group_by=team");
		assertThat(byTeam.get("data"))
			.extracting((row) -> row.get("team_id").stringValue(), (row) -> row.get("jobs").intValue(),
					(row) -> row.get("spent_usd").decimalValue())
			.containsExactly(both.stream()
				.map((team) -> (team == a) ? tuple(a.id().toString(), 5, new BigDecimal("13.750001"))
						: tuple(b.id().toString(), 2, new BigDecimal("3.5")))
				.toArray(org.assertj.core.groups.Tuple[]::new));
		assertThat(total(admin(FEBRUARY))).isEqualTo(tuple(7, new BigDecimal("17.250001")));
		assertThat(rows(admin(FEBRUARY + "&group_by=model"), "model")).containsExactly(
				tuple(FORMULA, 1, new BigDecimal("0.5")), tuple(ALPHA, 4, new BigDecimal("4.750001")),
				tuple(BETA, 2, new BigDecimal("12")));
		assertThat(rows(admin(FEBRUARY + "&group_by=model&team_id=" + b.id()), "model"))
			.containsExactly(tuple(FORMULA, 1, new BigDecimal("0.5")), tuple(ALPHA, 1, new BigDecimal("3")));
		JsonNode all = admin(FEBRUARY + "&group_by=team,model,day");
		assertThat(all.get("data")).hasSize(6);
		assertThat(names(all.get("data").get(0))).containsExactly("model", "day", "team_id", "jobs", "spent_usd");
		assertThat(admin(FEBRUARY + "&group_by=team&team_id=" + UUID.randomUUID()).get("data")).isEmpty();
	}

	@Test
	void shouldAnswerCsvWithAHeaderRowThatParsesBack() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/usage?" + FEBRUARY + "&group_by=model,day")
			.header("Authorization", b.bearer())
			.accept(MediaType.parseMediaType("text/csv"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.VARY, HttpHeaders.ACCEPT)
			.expectBody()
			.returnResult();
		MediaType type = result.getResponseHeaders().getContentType();
		assertThat(type.getType() + "/" + type.getSubtype()).isEqualTo("text/csv");
		String csv = new String(result.getResponseBody(), StandardCharsets.UTF_8);
		assertThat(csv).startsWith("model,day,jobs,spent_usd\r\n").endsWith("\r\n");
		assertThat(Csv.parse(csv)).containsExactly(List.of("model", "day", "jobs", "spent_usd"),
				List.of(ALPHA, "2003-02-01", "1", "3"), List.of("'" + FORMULA, "2003-02-02", "1", "0.5"));

		String admin = csv("/admin/usage?" + FEBRUARY + "&group_by=team,model", "Bearer " + this.adminToken,
				"text/csv;q=0.9, application/json;q=0.5");
		List<List<String>> records = Csv.parse(admin);
		assertThat(records.get(0)).containsExactly("model", "team_id", "jobs", "spent_usd");
		assertThat(records).hasSize(5)
			.contains(List.of(BETA, a.id().toString(), "2", "12"), List.of(ALPHA, a.id().toString(), "3", "1.750001"));
		assertThat(Csv.parse(csv("/usage?" + FEBRUARY, a.bearer(), "text/csv")))
			.containsExactly(List.of("jobs", "spent_usd"), List.of("5", "13.750001"));
		assertThat(Csv.parse(csv("/usage?from=1999-01-01&to=1999-01-02&group_by=model", a.bearer(), "text/csv")))
			.containsExactly(List.of("model", "jobs", "spent_usd"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "*/*", "application/json", "application/json, text/csv", "text/csv;q=0.5, */*" })
	void shouldAnswerJsonUnlessAcceptPrefersCsv(String accept) {
		this.client.get()
			.uri("/usage?" + FEBRUARY)
			.header("Authorization", a.bearer())
			.header(HttpHeaders.ACCEPT, accept)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.data[0].jobs")
			.isEqualTo(5);
	}

	@Test
	void shouldShowTheBudgetWithTheMonthsSpendAndAReservationOutstanding() {
		TestTeam team = this.teams.create();
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of("10"));
		OffsetDateTime monthStart = YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
		book(team, MODEL, monthStart.minusNanos(1000).toString(), "100");
		book(team, MODEL, monthStart.toString(), "1.25");
		awaitPrice(team);
		TestJobs.create(this.client, team, "reserving");
		JsonNode budget = budget(team);
		assertThat(names(budget)).containsExactly("budget_usd", "spent_usd", "reserved_usd", "remaining_usd",
				"period_start", "period_end");
		assertThat(budget.get("budget_usd").toString()).isEqualTo("10");
		assertThat(budget.get("spent_usd").toString()).isEqualTo("1.25");
		assertThat(budget.get("reserved_usd").toString()).isEqualTo("0.5");
		assertThat(budget.get("remaining_usd").toString()).isEqualTo("8.25");
		assertThat(budget.get("period_start").stringValue()).isEqualTo(monthStart.toInstant().toString());
		assertThat(budget.get("period_end").stringValue()).isEqualTo(monthStart.plusMonths(1).toInstant().toString());

		TestTeam unlimited = this.teams.create();
		book(unlimited, MODEL, monthStart.plusSeconds(1).toString(), "2");
		JsonNode none = budget(unlimited);
		assertThat(none.get("budget_usd").isNull()).isTrue();
		assertThat(none.get("remaining_usd").isNull()).isTrue();
		assertThat(none.get("spent_usd").toString()).isEqualTo("2");
		assertThat(none.get("reserved_usd").toString()).isEqualTo("0");
	}

	@ParameterizedTest
	@ValueSource(strings = { "group_by=week", "group_by=model,", "group_by=", "group_by=MODEL", "group_by=team",
			"from=2003-02-30", "from=yesterday", "from=", "to=2003-02-01T25:00:00Z", "to=2003-02-01T00:00:00",
			"from=2003-03-01&to=2003-02-01", "from=2003-02-01T00:00:00Z&to=2003-02-01T00:00:00Z",
			"from=2003-01-01&to=2004-01-02", "from=1969-12-31", "to=%2B10000-01-02T00:00:00Z",
			"from=0001-01-01&to=9999-12-31" })
	void shouldRefuseBadParametersWith400(String query) {
		JsonNode problem = expectProblem(get("/usage?" + query, a.bearer()), 400);
		assertThat(problem.get("type").stringValue()).endsWith("/invalid-parameter");
		assertThat(problem.get("parameter").stringValue()).isIn("group_by", "from", "to");
	}

	@ParameterizedTest
	@ValueSource(strings = { "team_id=nope", "team_id=1-1-1-1-1", "group_by=team,week", "from=2003-13-01" })
	void shouldRefuseBadAdminParametersWith400(String query) {
		JsonNode problem = expectProblem(get("/admin/usage?" + query, "Bearer " + this.adminToken), 400);
		assertThat(problem.get("type").stringValue()).endsWith("/invalid-parameter");
	}

	@Test
	void shouldRefuseAReportOfMoreRowsThanOneAnswerHolds() {
		TestTeam team = this.teams.create();
		// 366 days × 55 models of 2005-2006: more rows than the cap.
		this.jdbc.update("""
				insert into spend_ledger (job_id, team_id, model, amount_usd, source, booked_at)
				select gen_random_uuid(), ?, 'model-' || m, 0.01, 'runcomfy',
				       timestamptz '2005-01-01 00:00:00Z' + d * interval '1 day'
				from generate_series(0, 365) as d, generate_series(1, 55) as m""", team.id());
		String period = "from=2005-01-01&to=2006-01-01";
		JsonNode problem = expectProblem(get("/usage?" + period + "&group_by=model,day", team.bearer()), 400);
		assertThat(problem.get("type").stringValue()).endsWith("/usage-report-too-large");
		assertThat(problem.get("max_rows").intValue()).isEqualTo(UsageReports.MAX_ROWS);
		assertThat(usage(team, period + "&group_by=day").get("data")).hasSize(366);
		assertThat(total(usage(team, period))).isEqualTo(tuple(366 * 55, new BigDecimal("201.3")));
	}

	@Test
	void shouldKeepTheReportsBehindTheirCredentials() {
		expectProblem(get("/usage", null), 401);
		expectProblem(get("/usage/budget", null), 401);
		expectProblem(get("/admin/usage", a.bearer()), 403);
		expectProblem(get("/admin/usage", null), 401);
		JsonNode problem = expectProblem(this.client.get()
			.uri("/usage")
			.header("Authorization", a.bearer())
			.header(HttpHeaders.ACCEPT, "text/html")
			.exchange(), 406);
		assertThat(problem.get("type").stringValue()).endsWith("/not-acceptable");
	}

	@Test
	void shouldDocumentTheReportsInOpenApi() {
		JsonNode api = ok(get("/v3/api-docs", null));
		JsonNode usage = api.get("paths").get("/usage").get("get");
		assertThat(usage.get("tags")).extracting(JsonNode::stringValue).containsExactly("usage");
		assertThat(names(usage.get("responses").get("200").get("content"))).containsExactly("application/json",
				"text/csv");
		assertThat(usage.get("parameters")).extracting((parameter) -> parameter.get("name").stringValue())
			.containsExactly("from", "to", "group_by");
		JsonNode admin = api.get("paths").get("/admin/usage").get("get");
		assertThat(api.get("components").get("schemas").get("UsageRow").get("properties").propertyNames())
			.containsExactly("model", "day", "team_id", "jobs", "spent_usd");
		assertThat(admin.get("tags")).extracting(JsonNode::stringValue).containsExactly("admin");
		assertThat(admin.get("parameters")).extracting((parameter) -> parameter.get("name").stringValue())
			.containsExactly("team_id", "from", "to", "group_by");
		assertThat(names(api.get("paths").get("/usage/budget").get("get").get("responses"))).contains("200", "401");
	}

	// ---------------------------------------------------------------------------------

	private void book(TestTeam team, String model, String at, String usd) {
		this.jdbc.update(
				"insert into spend_ledger (job_id, team_id, model, amount_usd, source, booked_at) "
						+ "values (?, ?, ?, ?, 'runcomfy', ?)",
				UUID.randomUUID(), team.id(), model, new BigDecimal(usd), OffsetDateTime.parse(at));
	}

	private JsonNode usage(TestTeam team, String query) {
		return ok(get("/usage?" + query, team.bearer()));
	}

	private JsonNode admin(String query) {
		return ok(get("/admin/usage?" + query, "Bearer " + this.adminToken));
	}

	private JsonNode budget(TestTeam team) {
		return ok(get("/usage/budget", team.bearer()));
	}

	private WebTestClient.ResponseSpec get(String uri, String authorization) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri(uri);
		if (authorization != null) {
			request = request.header("Authorization", authorization);
		}
		return request.exchange();
	}

	private String csv(String uri, String authorization, String accept) {
		byte[] body = this.client.get()
			.uri(uri)
			.header("Authorization", authorization)
			.header(HttpHeaders.ACCEPT, accept)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("text/csv")
			.expectBody()
			.returnResult()
			.getResponseBody();
		return new String(body, StandardCharsets.UTF_8);
	}

	private static JsonNode ok(WebTestClient.ResponseSpec response) {
		byte[] body = response.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.returnResult()
			.getResponseBody();
		return json.readTree(body);
	}

	private static JsonNode expectProblem(WebTestClient.ResponseSpec response, int status) {
		EntityExchangeResult<byte[]> result = response.expectBody().returnResult();
		String body = (result.getResponseBody() != null) ? new String(result.getResponseBody(), StandardCharsets.UTF_8)
				: "";
		assertThat(result.getStatus().value()).as(body).isEqualTo(status);
		if (status == 200) {
			return json.readTree(body);
		}
		assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode problem = json.readTree(body);
		assertThat(problem.get("status").intValue()).isEqualTo(status);
		return problem;
	}

	private static List<org.assertj.core.groups.Tuple> rows(JsonNode report, String member) {
		List<org.assertj.core.groups.Tuple> rows = new ArrayList<>();
		for (JsonNode row : report.get("data")) {
			assertThat(names(row)).containsExactly(member.equals("day") ? "day" : "model", "jobs", "spent_usd");
			rows.add(tuple(row.get(member).stringValue(), row.get("jobs").intValue(),
					row.get("spent_usd").decimalValue()));
		}
		return rows;
	}

	private static org.assertj.core.groups.Tuple total(JsonNode report) {
		JsonNode row = report.get("data").get(0);
		assertThat(report.get("data")).hasSize(1);
		return tuple(row.get("jobs").intValue(), row.get("spent_usd").decimalValue());
	}

	private static List<String> names(JsonNode object) {
		List<String> names = new ArrayList<>();
		object.propertyNames().forEach(names::add);
		return names;
	}

	private void awaitPrice(TestTeam team) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			JsonNode model = this.client.get()
				.uri("/models/" + MODEL)
				.header("Authorization", team.bearer())
				.exchange()
				.returnResult(JsonNode.class)
				.getResponseBody()
				.blockFirst();
			if (model != null && model.path("base_price_usd").isNumber()) {
				return;
			}
			assertThat(System.nanoTime()).as("the catalog prices " + MODEL).isLessThan(deadline);
			TestJobs.sleep(100);
		}
	}

	/** An RFC 4180 reader, to read the gateway's CSV back as a spreadsheet would. */
	static final class Csv {

		static List<List<String>> parse(String text) {
			List<List<String>> records = new ArrayList<>();
			List<String> record = new ArrayList<>();
			StringBuilder field = new StringBuilder();
			boolean quoted = false;
			int i = 0;
			while (i < text.length()) {
				char c = text.charAt(i);
				if (quoted) {
					if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
						field.append('"');
						i += 2;
						continue;
					}
					if (c == '"') {
						quoted = false;
					}
					else {
						field.append(c);
					}
				}
				else if (c == '"' && field.isEmpty()) {
					quoted = true;
				}
				else if (c == ',') {
					record.add(field.toString());
					field.setLength(0);
				}
				else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
					record.add(field.toString());
					field.setLength(0);
					records.add(record);
					record = new ArrayList<>();
					i += 2;
					continue;
				}
				else {
					assertThat(c).as("a bare quote or line break outside quotes at " + i).isNotIn('"', '\r', '\n');
					field.append(c);
				}
				i++;
			}
			assertThat(quoted).as("an unterminated quoted field").isFalse();
			assertThat(record).as("a record after the last CRLF").isEmpty();
			assertThat(field).as("a field after the last CRLF").isEmpty();
			return records;
		}

	}

}
