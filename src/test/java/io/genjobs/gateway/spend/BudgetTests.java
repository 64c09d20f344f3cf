package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestInstances;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.team.MonthlyBudget;
import io.genjobs.gateway.team.TeamAdministration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Team budgets (DESIGN, "Spend and budgets"): a job is accepted only if the month's
 * booked spend, the team's reservations and its estimate fit the budget, exactly, with
 * many concurrent requests on two gateway instances (the second a full application
 * context of its own on the same database); reservations are released when a job ends,
 * costs are booked in the ledger, and only this month's (UTC) spend counts. Jobs stay
 * where the test puts them (nothing is forwarded); every job here is the first model's
 * default ({@code frames} 121 → 5 s at 0.1 USD per second: 0.5 USD).
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(
		properties = { "spring.datasource.hikari.schema=gateway_budget", "spring.flyway.schemas=gateway_budget" })
@DirtiesContext
class BudgetTests {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final BigDecimal ESTIMATE = new BigDecimal("0.5");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static ConfigurableApplicationContext second;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	TeamAdministration administration;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	HikariDataSource dataSource;

	@Autowired
	JdbcTemplate jdbc;

	@BeforeEach
	void startTheSecondInstanceOnceBothKnowThePrice() {
		if (second == null) {
			Map<String, Object> properties = new HashMap<>();
			properties.put("spring.datasource.hikari.schema", "gateway_budget");
			properties.put("spring.flyway.schemas", "gateway_budget");
			properties.put("gateway.outbound.allowed-hosts[0]", TestImageServer.hostPort());
			second = TestInstances.start(this.dataSource, properties);
		}
		TestTeam reader = this.teams.create();
		awaitPrice(this.client, reader);
		awaitPrice(secondClient(), reader);
	}

	@AfterAll
	static void stopTheSecondInstance() {
		if (second != null) {
			second.close();
			second = null;
		}
	}

	@Test
	void shouldAcceptExactlyAsManyConcurrentJobsOnTwoInstancesAsTheBudgetHolds() throws Exception {
		TestTeam team = teamWithBudget("2.00");
		int requests = 40;
		List<String> bases = List.of(baseUrl(this.client), "http://127.0.0.1:" + secondPort());
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(requests)) {
			for (int i = 0; i < requests; i++) {
				String base = bases.get(i % 2);
				String prompt = "budget " + i;
				answers.add(pool.submit(() -> {
					start.await();
					return http.send(post(base, team, prompt), HttpResponse.BodyHandlers.ofString());
				}));
			}
			start.countDown();
			int accepted = 0;
			int refused = 0;
			for (Future<HttpResponse<String>> answer : answers) {
				HttpResponse<String> response = answer.get();
				if (response.statusCode() == 202) {
					accepted++;
				}
				else {
					assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
					JsonNode problem = json.readTree(response.body());
					assertThat(problem.get("type").stringValue()).endsWith("budget-exceeded");
					assertThat(problem.get("budget_usd").decimalValue()).isEqualByComparingTo("2");
					assertThat(problem.get("estimated_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
					refused++;
				}
			}
			assertThat(accepted).as("4 jobs of 0.5 USD fit a 2 USD budget").isEqualTo(4);
			assertThat(refused).isEqualTo(requests - 4);
		}
		assertThat(reserved(team)).isEqualByComparingTo("2");
		assertThat(this.jdbc.queryForObject("select count(*) from jobs where team_id = ?", Integer.class, team.id()))
			.isEqualTo(4);
	}

	@Test
	void shouldShowTheEstimateOnTheJobAndRefuseWhatDoesNotFitWithTheFigures() {
		TestTeam team = teamWithBudget("0.75");
		String id = TestJobs.create(this.client, team, "fits");
		JsonNode cost = TestJobs.get(this.client, team, id).get("cost");
		assertThat(cost.get("estimated_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
		assertThat(cost.get("actual_usd").isNull()).isTrue();
		assertThat(cost.get("source").isNull()).isTrue();
		assertThat(cost.get("currency").stringValue()).isEqualTo("USD");
		assertThat(cost.get("estimated_usd").toString()).as("without the stored scale's zeros").isEqualTo("0.5");

		JsonNode problem = refused(team);
		assertThat(problem.get("status").intValue()).isEqualTo(402);
		assertThat(problem.get("budget_usd").decimalValue()).isEqualByComparingTo("0.75");
		assertThat(problem.get("spent_usd").decimalValue()).isEqualByComparingTo("0");
		assertThat(problem.get("reserved_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
		assertThat(problem.get("estimated_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
		assertThat(problem.get("detail").stringValue()).contains("0.5 USD", "0.75 USD");
	}

	@Test
	void shouldReleaseTheReservationOfAJobCancelledBeforeItWasSentAndBookNothing() {
		TestTeam team = teamWithBudget("0.5");
		String id = TestJobs.create(this.client, team, "to cancel");
		refused(team);
		this.client.post()
			.uri("/jobs/{id}/cancel", id)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		assertThat(reserved(team)).isEqualByComparingTo("0");
		assertThat(booked(team)).isEmpty();
		assertThat(TestJobs.get(this.client, team, id).get("cost").get("actual_usd").isNull()).isTrue();
		TestJobs.create(this.client, team, "fits again");
	}

	@Test
	void shouldBookAFinishedJobsCostAndCountItAgainstTheBudget() {
		TestTeam team = teamWithBudget("1.0");
		UUID id = UUID.fromString(TestJobs.create(this.client, team, "to finish"));
		succeed(id);
		// RunComfy said nothing of the cost: the estimate is booked, marked as such.
		JsonNode cost = TestJobs.get(this.client, team, id.toString()).get("cost");
		assertThat(cost.get("actual_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
		assertThat(cost.get("source").stringValue()).isEqualTo("estimate");
		assertThat(booked(team)).singleElement()
			.satisfies((row) -> assertThat(row).containsEntry("job_id", id)
				.containsEntry("model", MODEL)
				.containsEntry("source", "estimate"));
		assertThat(reserved(team)).isEqualByComparingTo("0");
		// 0.5 booked: one more job of 0.5 fits 1.0, a second does not.
		TestJobs.create(this.client, team, "second");
		JsonNode problem = refused(team);
		assertThat(problem.get("spent_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
		assertThat(problem.get("reserved_usd").decimalValue()).isEqualByComparingTo(ESTIMATE);
	}

	@Test
	void shouldCountOnlyThisCalendarMonthsSpendInUtc() {
		TestTeam team = teamWithBudget("0.5");
		OffsetDateTime monthStart = OffsetDateTime.now(ZoneOffset.UTC)
			.withDayOfMonth(1)
			.withHour(0)
			.withMinute(0)
			.withSecond(0)
			.withNano(0);
		// Booked a microsecond before this month began (UTC): last month's.
		this.jdbc.update(
				"insert into spend_ledger (job_id, team_id, model, amount_usd, source, booked_at) "
						+ "values (?, ?, ?, 100, 'runcomfy', ?)",
				UUID.randomUUID(), team.id(), MODEL, monthStart.minusNanos(1000));
		TestJobs.create(this.client, team, "a new month");
		this.jdbc.update("insert into spend_ledger (job_id, team_id, model, amount_usd, source, booked_at) "
				+ "values (?, ?, ?, 0.25, 'runcomfy', ?)", UUID.randomUUID(), team.id(), MODEL, monthStart);
		assertThat(refused(team).get("spent_usd").decimalValue()).isEqualByComparingTo("0.25");
	}

	@Test
	void shouldKeepTheLedgerAppendOnly() {
		TestTeam team = teamWithBudget("1.0");
		succeed(UUID.fromString(TestJobs.create(this.client, team, "booked")));
		org.assertj.core.api.Assertions.assertThatException()
			.isThrownBy(() -> this.jdbc.update("update spend_ledger set amount_usd = 0 where team_id = ?", team.id()));
		org.assertj.core.api.Assertions.assertThatException()
			.isThrownBy(() -> this.jdbc.update("delete from spend_ledger where team_id = ?", team.id()));
	}

	@Test
	void shouldHoldABudgetSetWhileBothInstancesHadTheTeamsKeyCached() {
		TestTeam team = this.teams.create();
		TestJobs.create(this.client, team, "before the budget, here");
		TestJobs.create(secondClient(), team, "before the budget, there");
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of("0.5"));

		TestJobs.create(this.client, team, "fits");
		assertThat(reserved(team)).as("the cached key knows of the budget at once here").isEqualByComparingTo(ESTIMATE);
		assertThat(refused(team).get("budget_usd").decimalValue()).isEqualByComparingTo("0.5");
		// There, once the change notification has emptied its key cache (milliseconds).
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(http
				.send(post("http://127.0.0.1:" + secondPort(), team, "there"), HttpResponse.BodyHandlers.ofString())
				.statusCode()).isEqualTo(402));
		assertThat(reserved(team)).isEqualByComparingTo(ESTIMATE);
	}

	@Test
	void shouldAcceptEveryJobOfATeamWithoutABudgetAndReserveNothing() {
		TestTeam team = this.teams.create();
		for (int i = 0; i < 3; i++) {
			TestJobs.create(this.client, team, "unlimited " + i);
		}
		assertThat(reserved(team)).isEqualByComparingTo("0");
	}

	private TestTeam teamWithBudget(String usd) {
		TestTeam team = this.teams.create();
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of(usd));
		return team;
	}

	private void succeed(UUID jobId) {
		String owner = "test-dispatcher-" + UUID.randomUUID();
		this.jdbc.update("update jobs set lease_owner = ?, lease_expires_at = now() + interval '1 minute'"
				+ " where id = ? and status = 'queued'", owner, jobId);
		this.lifecycle.markSubmitted(jobId, owner, "req-" + jobId, Duration.ofHours(1));
		this.lifecycle.running(jobId, "in_progress", Instant.now().plusSeconds(3600));
		this.lifecycle.succeed(jobId, "{\"video\": \"https://cdn.example/v.mp4\"}");
	}

	private JsonNode refused(TestTeam team) {
		return this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body("refused"))
			.exchange()
			.expectStatus()
			.isEqualTo(402)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	private BigDecimal reserved(TestTeam team) {
		return this.jdbc.queryForObject("select coalesce(sum(amount_usd), 0) from spend_reservations where team_id = ?",
				BigDecimal.class, team.id());
	}

	private List<Map<String, Object>> booked(TestTeam team) {
		return this.jdbc.queryForList("select job_id, model, amount_usd, source from spend_ledger where team_id = ?",
				team.id());
	}

	private static String body(String prompt) {
		return """
				{"input": {"prompt": "%s", "image_urls": ["%s"]}}
				""".formatted(prompt, TestImageServer.png(400, 400));
	}

	private static HttpRequest post(String base, TestTeam team, String prompt) {
		return HttpRequest.newBuilder(URI.create(base + "/jobs"))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", team.bearer())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body(prompt)))
			.build();
	}

	private static String secondPort() {
		return second.getEnvironment().getProperty("local.server.port");
	}

	private static WebTestClient secondClient() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + secondPort())
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	private static String baseUrl(WebTestClient client) {
		return client.get()
			.uri("/models")
			.exchange()
			.returnResult(Void.class)
			.getUrl()
			.resolve("/")
			.toString()
			.replaceAll("/$", "");
	}

	/**
	 * Waits until the instance's catalog, synced from its simulator, prices the first
	 * model.
	 */
	private static void awaitPrice(WebTestClient client, TestTeam team) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			JsonNode model = client.get()
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

}
