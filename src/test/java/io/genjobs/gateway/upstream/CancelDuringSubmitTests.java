package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.FakeRunComfy.Operation;
import io.genjobs.gateway.upstream.FakeRunComfy.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /jobs/{id}/cancel} while the dispatcher's submit of the job is under way,
 * end to end: a scripted RunComfy on loopback holds the submit's answer until the client
 * has had its answer to the cancel, which must therefore come at once ({@code 202}, the
 * job still queued), not after the submit resolves. The dispatcher then carries the
 * cancel out. RunComfy's response timeout is long here, so that a slow machine cannot
 * turn the held submit into one whose outcome is unknown.
 * <p>
 * A client's cancel of a job waiting at RunComfy is a RunComfy call like any other: it
 * waits for the global rate limit, is not sent while a shared 429 pause is in force or
 * the circuit breaker is open (the client gets {@code 503} at once instead).
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_cancel_during_submit",
		"spring.flyway.schemas=gateway_cancel_during_submit", "spring.datasource.hikari.maximum-pool-size=5",
		"gateway.simulator.enabled=false", "gateway.runcomfy.api-token=cancel-test-token",
		"gateway.runcomfy.response-timeout=20s", "gateway.upstream.enabled=true",
		"gateway.upstream.dispatch-interval=50ms", "gateway.upstream.poll-interval=2s",
		"gateway.upstream.rate-limit-per-second=50",
		"resilience4j.circuitbreaker.instances.runcomfy.sliding-window-size=1000",
		"resilience4j.circuitbreaker.instances.runcomfy.minimum-number-of-calls=1000" })
class CancelDuringSubmitTests {

	private static final Duration DEADLINE = Duration.ofSeconds(30);

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
	CircuitBreakerRegistry breakers;

	@Autowired
	JdbcTemplate jdbc;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void shouldAnswerAtOnceAndCancelAtRunComfyOnceRunComfyAcceptedTheSubmit() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("accepted"));
		CountDownLatch cancelAnswered = new CountDownLatch(1);
		scenario.onSubmit(heldUntil(cancelAnswered, (n) -> scenario.accepted()));
		scenario.onStatus((n) -> scenario.queued(1));
		scenario.onCancel((n) -> scenario.cancel("cancelled", "cancelled"));

		String id = cancelDuringSubmit(scenario, cancelAnswered);

		JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, DEADLINE);
		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("cancelled");
		assertThat(job.get("upstream").get("request_id").asString()).isEqualTo(scenario.requestId());
		assertThat(history(id)).containsExactly("queued", "submitted", "cancelled");
		// The dispatcher asks as soon as RunComfy accepted the job; a poll falling due
		// before the job is recorded cancelled would ask again, which RunComfy answers
		// alike.
		assertThat(scenario.calls(Operation.CANCEL)).isNotEmpty()
			.allSatisfy((cancel) -> assertThat(cancel.path())
				.isEqualTo("/v1/requests/" + scenario.requestId() + "/cancel"));
	}

	@Test
	void shouldAnswerAtOnceAndNeverSendAgainWhenTheSubmitSurelyDidNotArrive() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("refused"));
		CountDownLatch cancelAnswered = new CountDownLatch(1);
		scenario.onSubmit(heldUntil(cancelAnswered, (n) -> FakeRunComfy.error(503, 503000, "Busy")));

		String id = cancelDuringSubmit(scenario, cancelAnswered);

		JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, DEADLINE);
		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("cancelled");
		assertThat(job.get("upstream").get("request_id").isNull()).isTrue();
		assertThat(history(id)).containsExactly("queued", "cancelled");
		assertThat(scenario.calls(Operation.CANCEL)).isEmpty();
	}

	@Test
	void shouldSendAClientsCancelThroughTheShared429PauseLikeEveryRunComfyCall() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("cancel meets a 429"));
		scenario.onStatus((n) -> scenario.queued(3));
		scenario.onCancel((n) -> (n == 1) ? FakeRunComfy.error(429, 429001, "Too many requests")
			.newBuilder()
			.setHeader("Retry-After", "2")
			.build() : scenario.cancel("cancelled", "cancelled"));
		String id = TestJobs.create(this.client, this.team, scenario.prompt());
		TestJobs.await(this.client, this.team, id, Set.of("submitted"), DEADLINE);

		// RunComfy answers 429: every instance's calls pause, and the client is told to
		// come back.
		cancel(id).expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.type")
			.value(String.class, (type) -> assertThat(type).endsWith("upstream-unavailable"));
		assertThat(scenario.calls(Operation.CANCEL)).hasSize(1);
		// Asked again during the pause: answered at once, without calling RunComfy.
		cancel(id).expectStatus().isEqualTo(503);
		assertThat(scenario.calls(Operation.CANCEL)).hasSize(1);

		await().atMost(DEADLINE)
			.until(() -> this.jdbc.queryForObject("select paused_until < now() from upstream_pause", Boolean.class));
		TestJobs.sleep(300);
		cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
		assertThat(scenario.calls(Operation.CANCEL)).hasSize(2);
	}

	@Test
	void shouldNotSendAClientsCancelWhileTheCircuitBreakerIsOpen() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("cancel with the breaker open"));
		scenario.onStatus((n) -> scenario.queued(3));
		scenario.onCancel((n) -> scenario.cancel("cancelled", "cancelled"));
		String id = TestJobs.create(this.client, this.team, scenario.prompt());
		TestJobs.await(this.client, this.team, id, Set.of("submitted"), DEADLINE);

		CircuitBreaker breaker = this.breakers.circuitBreaker("runcomfy");
		breaker.transitionToForcedOpenState();
		try {
			cancel(id).expectStatus().isEqualTo(503);
			assertThat(scenario.calls(Operation.CANCEL)).isEmpty();
		}
		finally {
			breaker.transitionToClosedState();
		}
		cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
		assertThat(scenario.calls(Operation.CANCEL)).hasSize(1);
	}

	private WebTestClient.ResponseSpec cancel(String id) {
		return this.client.post().uri("/jobs/" + id + "/cancel").header("Authorization", this.team.bearer()).exchange();
	}

	/**
	 * Creates the scenario's job, waits for its submit to reach RunComfy and cancels it
	 * while RunComfy holds the answer; returns the job's id.
	 */
	private String cancelDuringSubmit(Scenario scenario, CountDownLatch cancelAnswered) {
		String id = TestJobs.create(this.client, this.team, scenario.prompt());
		await().atMost(DEADLINE).until(() -> !scenario.calls(Operation.SUBMIT).isEmpty());
		this.client.post()
			.uri("/jobs/" + id + "/cancel")
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("queued")
			.jsonPath("$.id")
			.isEqualTo(id);
		assertThat(cancelAnswered.getCount()).as("the submit is still unanswered").isOne();
		cancelAnswered.countDown();
		return id;
	}

	/**
	 * Answers as {@code answer} does, the first call only once {@code latch} opens, or
	 * after 5 s: a gateway that waited for the submit to resolve before answering the
	 * cancel (it used to wait up to 10 s) then answers the cancel with the outcome, not
	 * with {@code 202}.
	 */
	private static IntFunction<MockResponse> heldUntil(CountDownLatch latch, IntFunction<MockResponse> answer) {
		return (n) -> {
			try {
				latch.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return answer.apply(n);
		};
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
		return "cancel during submit: " + name + " " + UUID.randomUUID();
	}

}
