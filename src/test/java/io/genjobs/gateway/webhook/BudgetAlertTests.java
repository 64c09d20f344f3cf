package io.genjobs.gateway.webhook;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.spend.SpendLedger;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.TestWebhookConsumer.Inbox;
import io.genjobs.gateway.support.TestWebhookConsumer.Received;
import io.genjobs.gateway.team.MonthlyBudget;
import io.genjobs.gateway.team.TeamAdministration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budget alerts (DESIGN, "Spend and budgets", "Alerts"): jobs forwarded to the built-in
 * RunComfy simulator book their cost (0.5 USD each), and team endpoints get
 * {@code budget.threshold_reached} once per threshold per month, signed, retried and
 * logged like every delivery; never a job's own {@code webhook_url}. Its own schema, so
 * no other context's dispatcher or delivery worker takes its jobs or deliveries.
 */
@IntegrationTest
@Import({ TestTeamsWithKeys.class, WebhookTestSupport.class })
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "gateway.webhooks.enabled=true",
		"gateway.webhooks.retry-schedule=100ms,100ms,100ms", "gateway.webhooks.poll-interval=50ms",
		"gateway.webhooks.timeout=2s", "gateway.webhooks.lease=5s", "spring.datasource.hikari.maximum-pool-size=10",
		"spring.datasource.hikari.schema=gateway_budget_alerts", "spring.flyway.schemas=gateway_budget_alerts" })
@DirtiesContext
class BudgetAlertTests {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final String BUDGET_EVENT = "budget.threshold_reached";

	private static final Duration SOON = Duration.ofSeconds(10);

	private static final List<String> JOB_EVENTS = List.of("job.submitted", "job.running", "job.succeeded",
			"job.failed", "job.cancelled");

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	TeamAdministration administration;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	SpendLedger ledger;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	Environment environment;

	@Test
	void teamEndpointsGetOneEventPerThresholdPerMonthSignedRetriedAndLoggedWithoutAJob() throws Exception {
		TestTeam team = teamWithBudget("2.5");
		String name = this.administration.get(team.id()).name();
		awaitPrice(team);
		// Created without events: every event, the budget's included.
		Inbox everything = TestWebhookConsumer.inbox();
		JsonNode everythingEndpoint = this.support.createEndpoint(team, everything.url());
		assertThat(WebhookTestSupport.list(everythingEndpoint.get("events")).stream().map(JsonNode::stringValue))
			.contains(BUDGET_EVENT);
		// Budget events only; its first answer fails, so the first event is retried.
		Inbox budgetOnly = TestWebhookConsumer.inbox().answering(500, 204);
		JsonNode budgetEndpoint = this.support.createEndpoint(team, budgetOnly.url(), BUDGET_EVENT);
		Inbox succeededOnly = TestWebhookConsumer.inbox();
		this.support.createEndpoint(team, succeededOnly.url(), "job.succeeded");
		Inbox jobsOwn = TestWebhookConsumer.inbox();

		// 0.5, 1.0, 1.5 of 2.5: below 0.8.
		List<String> jobs = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			jobs.add(runJob(team, jobsOwn, "below " + i));
		}
		// 2.0 of 2.5: 0.8 reached.
		jobs.add(runJob(team, jobsOwn, "eighty percent"));
		List<Received> first = budgetOnly.await(2, SOON);
		assertThat(first).hasSize(2);
		assertThat(first.get(1).header("webhook-id")).as("the retry of the same event")
			.isEqualTo(first.get(0).header("webhook-id"));
		Received eighty = first.get(1);
		WebhookTestSupport.verify(budgetEndpoint.get("secret").stringValue(), eighty);
		JsonNode payload = this.json.readTree(eighty.body());
		assertThat(payload.get("type").stringValue()).isEqualTo(BUDGET_EVENT);
		assertThat(Instant.parse(payload.get("timestamp").stringValue())).isBefore(Instant.now());
		JsonNode data = payload.get("data");
		YearMonth month = YearMonth.now(ZoneOffset.UTC);
		assertThat(data.get("team_id").stringValue()).isEqualTo(team.id().toString());
		assertThat(data.get("threshold").toString()).isEqualTo("0.8");
		assertThat(data.get("budget_usd").toString()).isEqualTo("2.5");
		assertThat(data.get("spent_usd").toString()).isEqualTo("2");
		assertThat(Instant.parse(data.get("period_start").stringValue())).isEqualTo(startOf(month));
		assertThat(Instant.parse(data.get("period_end").stringValue())).isEqualTo(startOf(month.plusMonths(1)));
		assertThat(data.properties().stream().map(java.util.Map.Entry::getKey)).containsExactlyInAnyOrder("team_id",
				"threshold", "budget_usd", "spent_usd", "period_start", "period_end");

		// 2.5 of 2.5: 1.0 reached.
		jobs.add(runJob(team, jobsOwn, "a hundred percent"));
		List<Received> second = budgetOnly.await(3, SOON);
		Received hundred = second.get(2);
		WebhookTestSupport.verify(budgetEndpoint.get("secret").stringValue(), hundred);
		JsonNode hundredData = this.json.readTree(hundred.body()).get("data");
		assertThat(hundredData.get("threshold").toString()).isEqualTo("1.0");
		assertThat(hundred.bodyText()).contains("\"threshold\":1.0,").contains("\"spent_usd\":2.5,");
		assertThat(eighty.bodyText()).contains("\"threshold\":0.8,").contains("\"spent_usd\":2,");
		assertThat(hundredData.get("spent_usd").toString()).isEqualTo("2.5");
		assertThat(hundred.header("webhook-id")).isNotEqualTo(eighty.header("webhook-id"));

		// A raised budget lets one more job in: 3.0 of 3.0 reaches 1.0 again, but it was
		// reached this month already.
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of("3.0"));
		String last = runJob(team, jobsOwn, "once more");
		awaitEvent(everything, "job.succeeded", last);
		TestJobs.sleep(500);

		assertThat(budgetEvents(budgetOnly)).extracting((r) -> r.header("webhook-id"))
			.containsExactly(eighty.header("webhook-id"), eighty.header("webhook-id"), hundred.header("webhook-id"));
		List<Received> toEverything = budgetEvents(everything);
		assertThat(toEverything).extracting((r) -> r.header("webhook-id"))
			.containsExactly(eighty.header("webhook-id"), hundred.header("webhook-id"));
		WebhookTestSupport.verify(everythingEndpoint.get("secret").stringValue(), toEverything.get(0));
		assertThat(budgetEvents(succeededOnly)).isEmpty();
		assertThat(succeededOnly.received()).hasSize(6);
		assertThat(budgetEvents(jobsOwn)).as("a job's own webhook_url never gets a budget event").isEmpty();
		assertThat(this.jdbc.queryForList("select threshold from budget_alerts where team_id = ? order by threshold",
				BigDecimal.class, team.id()))
			.usingElementComparator(BigDecimal::compareTo)
			.containsExactly(new BigDecimal("0.8"), new BigDecimal("1.0"));

		// The delivery log lists them without a job; a job's filter leaves them out.
		List<JsonNode> logged = WebhookTestSupport
			.list(this.support.get(team, "/webhooks/deliveries?limit=100").get("data"))
			.stream()
			.filter((d) -> d.get("event_type").stringValue().equals(BUDGET_EVENT))
			.toList();
		assertThat(logged).hasSize(4).allSatisfy((delivery) -> {
			assertThat(delivery.get("job_id").isNull()).isTrue();
			assertThat(delivery.get("endpoint_id").isNull()).isFalse();
		});
		JsonNode retried = logged.stream()
			.filter((d) -> d.get("event_id").stringValue().equals(eighty.header("webhook-id"))
					&& d.get("url").stringValue().equals(budgetOnly.url()))
			.findFirst()
			.orElseThrow();
		assertThat(retried.get("status").stringValue()).isEqualTo("delivered");
		assertThat(retried.get("attempts")).hasSize(2);
		assertThat(retried.get("attempts").get(0).get("status_code").intValue()).isEqualTo(500);
		assertThat(WebhookTestSupport.list(this.support.deliveries(team, UUID.fromString(jobs.get(3))))).isNotEmpty()
			.noneMatch((d) -> d.get("event_type").stringValue().equals(BUDGET_EVENT));

		// Delivered: not retried by hand (a failed one is, see below).
		this.support.post(team, "/webhooks/deliveries/" + retried.get("id").stringValue() + "/retry", null)
			.expectStatus()
			.isEqualTo(409);

		// The metrics, as Prometheus scrapes them.
		String label = "team=\"" + name + "\"";
		String scrape = awaitScrape("gateway_budget_used_ratio", label, 1.0);
		assertThat(value(scrape, "gateway_spend_usd_total", label)).isEqualTo(3.0);
		assertThat(scrape).containsPattern("gateway_spend_usd_total\\{[^}]*model=\"" + MODEL + "\"[^}]*" + label);
	}

	@Test
	void concurrentBookingsReachEachThresholdExactlyOnce() throws Exception {
		TestTeam team = teamWithBudget("3.0");
		Inbox inbox = TestWebhookConsumer.inbox();
		JsonNode endpoint = this.support.createEndpoint(team, inbox.url(), BUDGET_EVENT);
		int bookings = 12;
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(bookings)) {
			for (int i = 0; i < bookings; i++) {
				done.add(pool.submit(() -> {
					start.await();
					this.transaction.executeWithoutResult((status) -> this.ledger.settle(UUID.randomUUID(), team.id(),
							MODEL, new BigDecimal("0.25"), "runcomfy", Instant.now()));
					return null;
				}));
			}
			start.countDown();
			for (Future<?> booking : done) {
				booking.get();
			}
		}
		List<Received> received = inbox.await(2, SOON);
		TestJobs.sleep(500);
		assertThat(inbox.received()).hasSize(2);
		List<String> thresholds = new ArrayList<>();
		for (Received event : received) {
			WebhookTestSupport.verify(endpoint.get("secret").stringValue(), event);
			thresholds.add(this.json.readTree(event.body()).get("data").get("threshold").toString());
		}
		assertThat(thresholds).containsExactlyInAnyOrder("0.8", "1.0");
		assertThat(this.jdbc.queryForObject("select count(*) from budget_alerts where team_id = ?", Integer.class,
				team.id()))
			.isEqualTo(2);
	}

	@Test
	void aBudgetLoweredBelowTheSpendIsAlertedOnAtTheNextBooking() throws Exception {
		TestTeam team = teamWithBudget("10");
		// Down for both events' four attempts, then back.
		Inbox inbox = TestWebhookConsumer.inbox().answering(503, 503, 503, 503, 503, 503, 503, 503, 204);
		JsonNode endpoint = this.support.createEndpoint(team, inbox.url(), BUDGET_EVENT);
		book(team, "0.5");
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of("0.5"));
		TestJobs.sleep(300);
		assertThat(inbox.received()).as("thresholds are checked when spend is booked").isEmpty();

		book(team, "0.1");
		List<Received> received = inbox.await(8, SOON);
		assertThat(received).extracting((r) -> this.json.readTree(r.body()).get("data").get("threshold").toString())
			.containsOnly("0.8", "1.0");
		assertThat(received).allSatisfy((r) -> {
			JsonNode data = this.json.readTree(r.body()).get("data");
			assertThat(data.get("budget_usd").toString()).isEqualTo("0.5");
			assertThat(data.get("spent_usd").toString()).isEqualTo("0.6");
		});

		// Failed after its last attempt, kept, and sent once more by hand: the same
		// webhook-id, a fresh signature.
		List<JsonNode> failed = awaitFailedBudgetDeliveries(team, 2);
		JsonNode first = failed.get(0);
		String id = first.get("id").stringValue();
		this.support.post(team, "/webhooks/deliveries/" + id + "/retry", null).expectStatus().isAccepted();
		JsonNode delivered = this.support.awaitDeliveryStatus(team, id, "delivered", SOON);
		assertThat(delivered.get("job_id").isNull()).isTrue();
		assertThat(delivered.get("attempts")).hasSize(5);
		Received again = inbox.await(9, SOON).get(8);
		assertThat(again.header("webhook-id")).isEqualTo(first.get("event_id").stringValue());
		WebhookTestSupport.verify(endpoint.get("secret").stringValue(), again);
	}

	@Test
	void aTeamWithoutSubscribedEndpointsRecordsTheThresholdAndWritesNoEvent() {
		TestTeam team = teamWithBudget("1");
		Inbox inbox = TestWebhookConsumer.inbox();
		this.support.createEndpoint(team, inbox.url(), "job.succeeded");
		book(team, "1");
		assertThat(this.jdbc.queryForObject("select count(*) from budget_alerts where team_id = ?", Integer.class,
				team.id()))
			.isEqualTo(2);
		assertThat(this.jdbc.queryForObject("select count(*) from webhook_events where team_id = ?", Integer.class,
				team.id()))
			.isZero();
	}

	@Test
	void aJobsOwnWebhookEventsCannotNameTheBudgetEvent() {
		TestTeam team = this.teams.create();
		String body = """
				{"input": {"prompt": "p", "image_urls": ["%s"]}, "webhook_url": "%s",
				 "webhook_events": ["job.succeeded", "budget.threshold_reached"]}"""
			.formatted(TestImageServer.png(400, 400), TestWebhookConsumer.inbox().url());
		JsonNode problem = this.support.post(team, "/jobs", body)
			.expectStatus()
			.isEqualTo(422)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(problem.toString()).contains("webhook_events[1]");
	}

	@Test
	void anEndpointCanSubscribeToTheBudgetEventAloneAndUnknownEventsAreRefused() {
		TestTeam team = this.teams.create();
		JsonNode endpoint = this.support.createEndpoint(team, TestWebhookConsumer.inbox().url(), BUDGET_EVENT);
		assertThat(WebhookTestSupport.list(endpoint.get("events")).stream().map(JsonNode::stringValue))
			.containsExactly(BUDGET_EVENT);
		JsonNode problem = this.support
			.post(team, "/webhooks/endpoints",
					"{\"url\": \"" + TestWebhookConsumer.inbox().url() + "\", \"events\": [\"budget.exceeded\"]}")
			.expectStatus()
			.isEqualTo(422)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(problem.toString()).contains("events[0]", "budget.threshold_reached");
		assertThat(JOB_EVENTS).allSatisfy((type) -> assertThat(problem.toString()).contains(type));
	}

	private List<JsonNode> awaitFailedBudgetDeliveries(TestTeam team, int count) {
		long deadline = System.nanoTime() + SOON.toNanos();
		while (true) {
			List<JsonNode> failed = WebhookTestSupport
				.list(this.support.get(team, "/webhooks/deliveries?status=failed").get("data"))
				.stream()
				.filter((d) -> d.get("event_type").stringValue().equals(BUDGET_EVENT))
				.toList();
			if (failed.size() >= count) {
				return failed;
			}
			assertThat(System.nanoTime()).as(count + " failed budget deliveries").isLessThan(deadline);
			TestJobs.sleep(50);
		}
	}

	private void book(TestTeam team, String usd) {
		this.transaction.executeWithoutResult((status) -> this.ledger.settle(UUID.randomUUID(), team.id(), MODEL,
				new BigDecimal(usd), "runcomfy", Instant.now()));
	}

	/** Runs a job at the simulator to its end, with every job event to its own URL. */
	private String runJob(TestTeam team, Inbox own, String prompt) {
		String body = """
				{"input": {"prompt": "%s", "image_urls": ["%s"]}, "webhook_url": "%s",
				 "webhook_events": %s}""".formatted(prompt, TestImageServer.png(400, 400), own.url(),
				this.json.writeValueAsString(JOB_EVENTS));
		String id = this.support.post(team, "/jobs", body)
			.expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.stringValue();
		JsonNode job = TestJobs.await(this.client, team, id, Set.of("succeeded", "failed"), Duration.ofSeconds(30));
		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("cost").get("actual_usd").decimalValue()).isEqualByComparingTo("0.5");
		return id;
	}

	private void awaitEvent(Inbox inbox, String type, String jobId) {
		long deadline = System.nanoTime() + SOON.toNanos();
		while (inbox.received().stream().noneMatch((r) -> {
			JsonNode payload = this.json.readTree(r.body());
			return payload.get("type").stringValue().equals(type)
					&& payload.get("data").get("id").stringValue().equals(jobId);
		})) {
			assertThat(System.nanoTime()).as(type + " of " + jobId + " at " + inbox.url()).isLessThan(deadline);
			TestJobs.sleep(20);
		}
	}

	private List<Received> budgetEvents(Inbox inbox) {
		return inbox.received()
			.stream()
			.filter((r) -> this.json.readTree(r.body()).get("type").stringValue().equals(BUDGET_EVENT))
			.toList();
	}

	/**
	 * The value of the series {@code name} whose labels contain {@code label}; NaN when
	 * there is none.
	 */
	private static double value(String scrape, String name, String label) {
		for (String line : scrape.split("\n")) {
			if (line.startsWith(name + "{") && line.contains(label)) {
				return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return Double.NaN;
	}

	private String awaitScrape(String name, String label, double expected) {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.environment.getProperty("local.management.port"))
			.build();
		long deadline = System.nanoTime() + SOON.toNanos();
		while (true) {
			String scrape = management.get()
				.uri("/actuator/prometheus")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			if (value(scrape, name, label) == expected) {
				return scrape;
			}
			assertThat(System.nanoTime()).as(name + "{" + label + "} " + expected + " in\n" + scrape)
				.isLessThan(deadline);
			TestJobs.sleep(200);
		}
	}

	private TestTeam teamWithBudget(String usd) {
		TestTeam team = this.teams.create();
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of(usd));
		return team;
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

	private static Instant startOf(YearMonth month) {
		return OffsetDateTime.of(month.atDay(1).atStartOfDay(), ZoneOffset.UTC).toInstant();
	}

}
