package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.FakeRunComfy.Operation;
import io.genjobs.gateway.upstream.FakeRunComfy.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deadlines end to end (DESIGN, "Deadlines and priorities"), against a scripted RunComfy
 * on loopback: a job still queued at its deadline is cancelled with
 * {@code deadline_exceeded} and never sent; one waiting in RunComfy's queue is cancelled
 * there; one whose submit is under way is cancelled as a client's cancel during a submit
 * would be; one RunComfy is rendering is left to finish, with a warning.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_deadlines",
		"spring.flyway.schemas=gateway_deadlines", "spring.datasource.hikari.maximum-pool-size=5",
		"gateway.simulator.enabled=false", "gateway.catalog.refresh-interval=0",
		"gateway.runcomfy.api-token=deadline-test-token", "gateway.runcomfy.response-timeout=20s",
		"gateway.upstream.enabled=true", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.poll-interval=200ms", "gateway.upstream.rate-limit-per-second=50",
		"gateway.jobs.deadlines.check-interval=100ms", "gateway.jobs.deadlines.cancel-retry-interval=1s",
		"resilience4j.circuitbreaker.instances.runcomfy.sliding-window-size=1000",
		"resilience4j.circuitbreaker.instances.runcomfy.minimum-number-of-calls=1000" })
class DeadlineTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

	static final FakeRunComfy runcomfy = FakeRunComfy.start();

	@DynamicPropertySource
	static void runComfyAddress(DynamicPropertyRegistry registry) {
		registry.add("gateway.runcomfy.base-url", runcomfy::baseUrl);
	}

	@AfterAll
	static void stopRunComfy() {
		runcomfy.close();
	}

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JsonMapper json;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	CircuitBreakerRegistry breakers;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void shouldCancelAJobStillQueuedAtItsCancelAfterAndNeverSendIt() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("queued"));
		// Dispatch stops while the breaker is open: the job stays queued.
		CircuitBreaker breaker = this.breakers.circuitBreaker("runcomfy");
		breaker.transitionToForcedOpenState();
		try {
			String id = create(scenario.prompt(), null, "1");
			JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, WAIT);
			assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("cancelled");
			assertThat(job.get("error").get("code").asString()).isEqualTo("deadline_exceeded");
			assertThat(job.get("error").get("message").asString()).contains(job.get("deadline").asString());
			assertThat(history(id)).containsExactly("queued", "cancelled");
		}
		finally {
			breaker.transitionToClosedState();
		}
		TestJobs.sleep(300);
		assertThat(scenario.calls()).as("nothing reached RunComfy").isEmpty();
	}

	@Test
	void shouldCancelAtRunComfyAJobWaitingInItsQueueAtTheDeadline() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("submitted"));
		scenario.onStatus((n) -> scenario.queued(2));
		scenario.onCancel((n) -> scenario.cancel("cancelled", "cancelled"));
		// Far enough ahead that a slow accept and dispatch on a loaded machine still
		// submit it first.
		String id = create(scenario.prompt(), Instant.now().plusSeconds(8), null);
		TestJobs.await(this.client, this.team, id, Set.of("submitted"), WAIT);

		JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, WAIT);
		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("cancelled");
		assertThat(job.get("error").get("code").asString()).isEqualTo("deadline_exceeded");
		assertThat(history(id)).containsExactly("queued", "submitted", "cancelled");
		assertThat(scenario.calls(Operation.CANCEL)).isNotEmpty()
			.allSatisfy((cancel) -> assertThat(cancel.path())
				.isEqualTo("/v1/requests/" + scenario.requestId() + "/cancel"));
		assertThat(scenario.calls(Operation.CANCEL).get(0).at()).isAfterOrEqualTo(deadlineOf(job));
	}

	@Test
	void shouldLeaveARunningJobToFinishWithAWarning() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("running"));
		AtomicBoolean finish = new AtomicBoolean();
		scenario.onStatus((n) -> finish.get() ? scenario.status("completed") : scenario.status("in_progress"));
		String id = create(scenario.prompt(), Instant.now().plusSeconds(4), null);
		TestJobs.await(this.client, this.team, id, Set.of("running"), WAIT);

		await().atMost(WAIT).until(() -> !TestJobs.get(this.client, this.team, id).get("warnings").isEmpty());
		JsonNode running = TestJobs.get(this.client, this.team, id);
		assertThat(running.get("status").asString()).isEqualTo("running");
		assertThat(running.get("warnings")).singleElement()
			.satisfies((warning) -> assertThat(warning.get("code").asString()).isEqualTo("deadline_exceeded"));

		finish.set(true);
		JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, WAIT);
		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
		assertThat(job.get("error").isNull()).isTrue();
		assertThat(job.get("warnings")).singleElement()
			.satisfies((warning) -> assertThat(warning.get("message").asString()).contains("left to finish"));
		assertThat(scenario.calls(Operation.CANCEL)).isEmpty();
	}

	@Test
	void shouldCancelAJobWhoseSubmitIsUnderWayAtTheDeadlineOnceTheSubmitResolves() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("during submit"));
		CountDownLatch release = new CountDownLatch(1);
		scenario.onSubmit((n) -> {
			hold(release);
			return scenario.accepted();
		});
		scenario.onStatus((n) -> scenario.queued(1));
		scenario.onCancel((n) -> scenario.cancel("cancelled", "cancelled"));
		String id = create(scenario.prompt(), null, "1");
		try {
			await().atMost(WAIT).until(() -> !scenario.calls(Operation.SUBMIT).isEmpty());
			// The deadline passes while RunComfy holds the submit's answer: the cancel is
			// recorded for the submit's holder, dated at the deadline.
			await().atMost(WAIT)
				.until(() -> this.jdbc.queryForObject(
						"select coalesce(cancel_requested_at = deadline, false) from jobs where id = ?::uuid",
						Boolean.class, id));
			assertThat(TestJobs.get(this.client, this.team, id).get("status").asString()).isEqualTo("queued");
		}
		finally {
			release.countDown();
		}

		JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, WAIT);
		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("cancelled");
		assertThat(job.get("error").get("code").asString()).isEqualTo("deadline_exceeded");
		assertThat(history(id)).containsExactly("queued", "submitted", "cancelled");
		assertThat(scenario.calls(Operation.CANCEL)).isNotEmpty();
	}

	private static void hold(CountDownLatch latch) {
		try {
			latch.await(15, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Instant deadlineOf(JsonNode job) {
		return Instant.parse(job.get("deadline").asString());
	}

	private String create(String prompt, Instant deadline, String cancelAfter) {
		String more = (deadline != null) ? ", \"deadline\": \"" + deadline + "\"" : "";
		WebTestClient.RequestBodySpec request = this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON);
		if (cancelAfter != null) {
			request = request.header("Cancel-After", cancelAfter);
		}
		byte[] body = request.bodyValue("""
				{"input": {"prompt": "%s", "image_urls": ["%s"]}%s}
				""".formatted(prompt, TestImageServer.png(400, 400), more))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(body).get("id").asString();
	}

	private List<String> history(String id) {
		byte[] body = this.client.get()
			.uri("/jobs/{id}/history", id)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(body).valueStream().map((entry) -> entry.get("to").asString()).toList();
	}

	private static String uniquePrompt(String name) {
		return "deadline: " + name + " " + UUID.randomUUID();
	}

}
