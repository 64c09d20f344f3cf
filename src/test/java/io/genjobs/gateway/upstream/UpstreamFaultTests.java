package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.FakeRunComfy.Call;
import io.genjobs.gateway.upstream.FakeRunComfy.Operation;
import io.genjobs.gateway.upstream.FakeRunComfy.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 3's faults, end to end: jobs posted to the gateway are forwarded by the real
 * dispatcher and poller, over real HTTP, to a scripted RunComfy on loopback
 * ({@link FakeRunComfy}), and each test follows its job through {@code GET /jobs/{id}} to
 * its end.
 * <p>
 * The context runs in a database schema of its own, so its dispatcher never picks up jobs
 * other test classes left queued in this run's shared database, and it is closed after
 * the class, so its loops stop with the fake RunComfy.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_upstream_faults",
		// The scripted RunComfy answers job calls only: no catalog sync against it.
		"gateway.catalog.refresh-interval=0", "spring.flyway.schemas=gateway_upstream_faults",
		"spring.datasource.hikari.maximum-pool-size=10", "gateway.simulator.enabled=false",
		"gateway.runcomfy.api-token=" + UpstreamFaultTests.TOKEN, "gateway.runcomfy.response-timeout=1s",
		"gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.job-timeout=3s", "gateway.upstream.rate-limit-per-second=50",
		// Failures are meant to reach the dispatcher here, not to open the breaker.
		"resilience4j.circuitbreaker.instances.runcomfy.sliding-window-size=1000",
		"resilience4j.circuitbreaker.instances.runcomfy.minimum-number-of-calls=1000" })
class UpstreamFaultTests {

	static final String TOKEN = "fault-test-token";

	static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final Duration DEADLINE = Duration.ofSeconds(15);

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
	MeterRegistry meters;

	@Autowired
	StatusPoller poller;

	@Autowired
	JdbcTemplate jdbc;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@AfterEach
	void everyCallWentToAScriptedJob() {
		assertThat(runcomfy.unscripted()).isEmpty();
	}

	@Test
	void shouldSendTheJobAsGivenAndFollowItThroughRunComfysQueueToSucceeded() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("happy path"));
		AtomicBoolean leaveQueue = new AtomicBoolean();
		AtomicInteger pollsSinceQueue = new AtomicInteger();
		scenario.onStatus((n) -> {
			if (!leaveQueue.get()) {
				return scenario.queued(2);
			}
			return (pollsSinceQueue.incrementAndGet() <= 2) ? scenario.status("in_progress")
					: scenario.status("completed");
		});

		JsonNode created = createJob(scenario.prompt());
		String id = created.get("id").asString();
		JsonNode queued = awaitJob(id, (job) -> job.path("upstream").path("queue_position").asInt() == 2);
		assertThat(queued.get("status").asString()).isEqualTo("submitted");
		assertThat(queued.get("upstream").get("request_id").asString()).isEqualTo(scenario.requestId());
		leaveQueue.set(true);
		JsonNode job = awaitEnd(id);

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(job.get("output").get("video").asString()).isEqualTo(scenario.outputUrl());
		assertThat(job.get("upstream").get("request_id").asString()).isEqualTo(scenario.requestId());
		assertThat(job.get("error").isNull()).isTrue();
		assertThat(history(id)).containsExactly("queued", "submitted", "running", "succeeded");

		List<Call> submits = scenario.calls(Operation.SUBMIT);
		assertThat(submits).hasSize(1);
		Call submit = submits.get(0);
		assertThat(submit.method()).isEqualTo("POST");
		assertThat(submit.path()).isEqualTo("/v1/models/" + MODEL);
		assertThat(submit.header("Authorization")).isEqualTo("Bearer " + TOKEN);
		assertThat(submit.header("Content-Type")).startsWith("application/json");
		JsonNode sent = this.json.readTree(submit.body());
		assertThat(sent).isEqualTo(created.get("input"));
		assertThat(sent.get("prompt").asString()).isEqualTo(scenario.prompt());
		assertThat(sent.get("image_urls").get(0).asString()).isEqualTo(TestImageServer.png(400, 400));
		assertThat(sent.get("seed").asInt()).isEqualTo(-1);
		assertThat(sent.get("frames").asInt()).isEqualTo(121);
		assertThat(sent.properties()).hasSize(4);

		// One call per poll: the result endpoint answers the status until the job is
		// done, then its output.
		List<Call> polls = scenario.calls(Operation.RESULT);
		assertThat(polls).hasSizeGreaterThanOrEqualTo(4).allSatisfy((poll) -> {
			assertThat(poll.path()).isEqualTo("/v1/requests/" + scenario.requestId() + "/result");
			assertThat(poll.header("Authorization")).isEqualTo("Bearer " + TOKEN);
		});
		assertThat(scenario.calls(Operation.STATUS)).isEmpty();
		assertThat(scenario.calls(Operation.CANCEL)).isEmpty();
	}

	@Test
	void shouldSubmitAgainAfterA5xxAndRecordTheJobSubmittedOnce() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("5xx then success"));
		scenario
			.onSubmit((n) -> (n == 1) ? FakeRunComfy.error(500, 500001, "Internal server error") : scenario.accepted());

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(job.get("upstream").get("request_id").asString()).isEqualTo(scenario.requestId());
		assertThat(history(job.get("id").asString())).containsOnlyOnce("submitted");
		assertThat(scenario.calls(Operation.SUBMIT)).hasSize(2)
			.extracting(Call::body)
			.allSatisfy((body) -> assertThat(this.json.readTree(body)).isEqualTo(job.get("input")));
	}

	@Test
	void shouldWaitForRetryAfterBeforeSubmittingAgainAfterA429() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("429 then success"));
		scenario.onSubmit((n) -> (n == 1) ? FakeRunComfy.error(429, 429001, "Too many requests")
			.newBuilder()
			.setHeader("Retry-After", "2")
			.build() : scenario.accepted());

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		List<Call> submits = scenario.calls(Operation.SUBMIT);
		assertThat(submits).hasSize(2);
		assertThat(Duration.between(submits.get(0).at(), submits.get(1).at()))
			.isGreaterThanOrEqualTo(Duration.ofMillis(1950));
	}

	@Test
	void shouldFailTheJobWithRunComfysWordsOn4xx() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("4xx"));
		// A careless upstream might even echo the caller's key: it must not reach the
		// job.
		scenario.onSubmit((n) -> FakeRunComfy.error(400, 400000, "Invalid input for key " + TOKEN));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_rejected");
		// (400002, insufficient balance, would pause dispatch instead:
		// PaymentPauseTests.)
		assertThat(job.get("error").get("message").asString()).contains("400000")
			.contains("HTTP 400")
			.contains("Invalid input")
			.doesNotContain(TOKEN);
		assertThat(job.toString()).doesNotContain(TOKEN);
		assertThat(job.get("upstream").get("request_id").isNull()).isTrue();
		assertThat(scenario.calls()).hasSize(1);
	}

	@Test
	void shouldFailTheJobOnAnErrorBodyAnsweredWithHttp200() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("error body with 200"));
		scenario.onSubmit((n) -> FakeRunComfy.error(200, 400001, "Invalid model"));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_rejected");
		assertThat(job.get("error").get("message").asString()).contains("400001")
			.contains("HTTP 200")
			.contains("Invalid model");
		assertThat(scenario.calls()).hasSize(1);
	}

	@Test
	void shouldFailTheJobWithTheResultsErrorWhenRunComfyReportsItFailed() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("status failed"));
		scenario.onStatus((n) -> (n == 1) ? scenario.status("in_progress") : scenario.status("failed"))
			.onResult((n) -> scenario.resultWithoutOutput("failed", "\"Content policy violation in the image\""));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_failed");
		assertThat(job.get("error").get("message").asString()).isEqualTo("Content policy violation in the image");
		assertThat(job.get("output").isNull()).isTrue();
		assertThat(scenario.calls(Operation.RESULT)).hasSize(2);
		assertThat(scenario.calls(Operation.STATUS)).isEmpty();
	}

	@Test
	void shouldFailTheJobWhenACompletedResultHasAnErrorAndNoOutput() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("completed without output"));
		scenario.onResult((n) -> scenario.resultWithoutOutput("completed",
				"{\"code\": \"worker_crashed\", \"message\": \"The GPU worker crashed\"}"));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_failed");
		assertThat(job.get("error").get("message").asString()).isEqualTo("The GPU worker crashed");
		assertThat(job.get("output").isNull()).isTrue();
	}

	@Test
	void shouldKeepPollingThroughAnUnknownStatusAndCountIt() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("unknown status"));
		scenario.onStatus((n) -> (n <= 3) ? scenario.status("warming_up") : scenario.status("completed"));
		double unknownBefore = unknownStatuses();

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(job.get("output").get("video").asString()).isEqualTo(scenario.outputUrl());
		assertThat(scenario.calls(Operation.RESULT)).hasSize(4);
		assertThat(unknownStatuses()).isGreaterThanOrEqualTo(unknownBefore + 3);
	}

	@Test
	void shouldTimeOutAJobThatNeverFinishesAndStopPollingIt() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("never finishes"));
		scenario.onStatus((n) -> scenario.status("in_progress"));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_timeout");
		Instant submittedAt = Instant.parse(job.get("submitted_at").asString());
		Instant completedAt = Instant.parse(job.get("completed_at").asString());
		assertThat(Duration.between(submittedAt, completedAt)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(6));
		// Best effort: RunComfy is asked to drop the request.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(scenario.calls(Operation.CANCEL)).singleElement()
				.satisfies((cancel) -> assertThat(cancel.path())
					.isEqualTo("/v1/requests/" + scenario.requestId() + "/cancel")));
		int polls = scenario.calls(Operation.RESULT).size();
		sleep(Duration.ofMillis(800));
		assertThat(scenario.calls(Operation.RESULT)).hasSize(polls);
	}

	@Test
	void shouldNotResendASubmitWhoseAnswerNeverCame() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("read timeout"));
		// Received, but answered only long after the gateway's 1 s response timeout.
		scenario.onSubmit((n) -> scenario.accepted().newBuilder().headersDelay(3, TimeUnit.SECONDS).build());

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("submit_outcome_unknown");
		assertThat(job.get("upstream").get("request_id").isNull()).isTrue();
		sleep(Duration.ofSeconds(2));
		assertThat(scenario.calls()).hasSize(1);
		assertThat(scenario.calls(Operation.SUBMIT)).hasSize(1);
	}

	@Test
	void shouldFailTheJobAsLostWhenRunComfyNoLongerKnowsItsRequest() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("request lost"));
		scenario.onStatus((n) -> FakeRunComfy.error(404, 404001, "Request not found or expired"));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_request_lost");
		assertThat(job.get("error").get("message").asString()).contains(scenario.requestId())
			.contains("404001")
			.contains("Request not found or expired");
		assertThat(scenario.calls(Operation.RESULT)).hasSize(1);
		assertThat(scenario.calls(Operation.STATUS)).isEmpty();
	}

	@Test
	void shouldFetchAJobRunComfyFinishedWhileThePollerWasDownPastItsDeadline() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("finished while the gateway was away"));
		this.poller.stop();
		String id;
		try {
			id = createJob(scenario.prompt()).get("id").asString();
			JsonNode submitted = awaitJob(id, (job) -> job.get("status").asString().equals("submitted"));
			// Away for longer than the 3 s job-timeout; RunComfy finished the job
			// meanwhile.
			sleep(Duration.between(Instant.now(), Instant.parse(submitted.get("submitted_at").asString()))
				.plusSeconds(4));
		}
		finally {
			this.poller.start();
		}
		JsonNode job = awaitEnd(id);

		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
		assertThat(job.get("output").get("video").asString()).isEqualTo(scenario.outputUrl());
		// One call: the result endpoint's answer is the finished result.
		assertThat(scenario.calls(Operation.RESULT)).hasSize(1);
		assertThat(scenario.calls(Operation.STATUS)).isEmpty();
	}

	@Test
	void shouldReadTheStatusAgainAfterFailedReadsPastTheDeadlineUntilOneSucceeds() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("deadline read fails at first"));
		scenario.onStatus((n) -> {
			Duration sinceSubmit = Duration.between(scenario.calls(Operation.SUBMIT).get(0).at(), Instant.now());
			if (sinceSubmit.compareTo(Duration.ofSeconds(3)) < 0) {
				return scenario.status("in_progress");
			}
			// RunComfy finished the job at its deadline, and is unreachable for a while.
			return (sinceSubmit.compareTo(Duration.ofMillis(4500)) < 0)
					? FakeRunComfy.error(503, 503000, "Service unavailable") : scenario.status("completed");
		});

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
		assertThat(job.get("output").get("video").asString()).isEqualTo(scenario.outputUrl());
	}

	@Test
	void shouldGiveUpOnAJobAtTwiceItsTimeoutWhenNoReadPastTheDeadlineSucceeds() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("deadline reads always fail"));
		scenario.onStatus((n) -> {
			Duration sinceSubmit = Duration.between(scenario.calls(Operation.SUBMIT).get(0).at(), Instant.now());
			return (sinceSubmit.compareTo(Duration.ofSeconds(3)) < 0) ? scenario.status("in_progress")
					: FakeRunComfy.error(503, 503000, "Service unavailable");
		});

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("failed");
		assertThat(job.get("error").get("code").asString()).isEqualTo("upstream_timeout");
		Instant submittedAt = Instant.parse(job.get("submitted_at").asString());
		Instant completedAt = Instant.parse(job.get("completed_at").asString());
		assertThat(Duration.between(submittedAt, completedAt)).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(10));
	}

	@Test
	void shouldBackOffFromThePollIntervalAfterFailedPollsRatherThanWaitAFixedDelay() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("failed polls"));
		// Two polls fail (each after its quick retries), then RunComfy answers again.
		scenario.onStatus((n) -> (n <= 6) ? FakeRunComfy.error(500, 500001, "Internal server error")
				: scenario.status("completed"));

		JsonNode job = awaitEnd(createJob(scenario.prompt()).get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		List<Call> statuses = scenario.calls(Operation.RESULT);
		assertThat(statuses).hasSize(7);
		// poll-interval 100 ms backing off to max-poll-interval 300 ms, not 5 s each.
		assertThat(Duration.between(statuses.get(0).at(), statuses.get(6).at())).isLessThan(Duration.ofSeconds(4));
	}

	@Test
	void shouldCapALongRetryAfterAtTenMinutesAndCountIt() {
		Scenario scenario = runcomfy.scenario(uniquePrompt("retry after an hour"));
		scenario.onSubmit((n) -> (n == 1) ? FakeRunComfy.error(429, 429001, "Too many requests")
			.newBuilder()
			.setHeader("Retry-After", "3600")
			.build() : scenario.accepted());
		double cappedBefore = cappedRetryAfters();

		String id = createJob(scenario.prompt()).get("id").asString();
		try {
			await().atMost(DEADLINE).until(() -> cappedRetryAfters() > cappedBefore);
			assertThat(this.jdbc.queryForObject(
					"select extract(epoch from paused_until - now())::float8 from upstream_pause", Double.class))
				.isBetween(590.0, 600.0);
			assertThat(cappedRetryAfters()).isEqualTo(cappedBefore + 1);
		}
		finally {
			// An operator lifts the pause: every instance follows the database.
			this.jdbc.update("update upstream_pause set paused_until = 'epoch'");
		}
		JsonNode job = awaitEnd(id);
		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(scenario.calls(Operation.SUBMIT)).hasSize(2);
	}

	@Test
	void shouldLogTheRequestIdOfASubmitWhoseRecordingFailedAndRecordItAgain(CapturedOutput output) {
		Scenario scenario = runcomfy.scenario(uniquePrompt("recording fails once"));
		// The database refuses the first recording of this request id (a trigger in this
		// test's schema), as a connection dropped at the wrong moment would.
		this.jdbc.execute("drop sequence if exists recording_faults");
		this.jdbc.execute("create sequence recording_faults");
		this.jdbc.execute("""
				create or replace function fail_recording_once() returns trigger language plpgsql as $$
				begin
				    if old.status = 'queued' and new.status = 'submitted' and new.upstream_request_id = '%s' then
				        if nextval('recording_faults') = 1 then
				            raise exception 'injected fault: recording the submit fails once';
				        end if;
				    end if;
				    return new;
				end $$""".formatted(scenario.requestId()));
		this.jdbc.execute("create trigger fail_recording_once before update on jobs for each row "
				+ "execute function fail_recording_once()");
		JsonNode job;
		try {
			job = awaitEnd(createJob(scenario.prompt()).get("id").asString());
		}
		finally {
			this.jdbc.execute("drop trigger fail_recording_once on jobs");
		}

		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
		assertThat(job.get("upstream").get("request_id").asString()).isEqualTo(scenario.requestId());
		assertThat(this.jdbc.queryForObject("select last_value from recording_faults", Long.class)).isEqualTo(2);
		assertThat(scenario.calls(Operation.SUBMIT)).hasSize(1);
		assertThat(history(job.get("id").asString())).containsOnlyOnce("submitted");
		assertThat(output.getOut()).containsPattern("WARN.*RunComfy accepted job " + job.get("id").asString()
				+ " as request " + scenario.requestId() + ", but recording it failed");
	}

	private double cappedRetryAfters() {
		return this.meters.get("gateway.upstream.retry.after.capped").counter().count();
	}

	private static String uniquePrompt(String name) {
		return "fault test: " + name + " " + UUID.randomUUID();
	}

	private JsonNode createJob(String prompt) {
		String body = """
				{"input": {"prompt": "%s", "image_urls": ["%s"]}}""".formatted(prompt, TestImageServer.png(400, 400));
		byte[] created = this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(created);
	}

	private JsonNode job(String id) {
		byte[] body = this.client.get()
			.uri("/jobs/{id}", id)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(body);
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

	private JsonNode awaitJob(String id, Predicate<JsonNode> condition) {
		return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> job(id), condition::test);
	}

	private JsonNode awaitEnd(String id) {
		return awaitJob(id, (job) -> TERMINAL.contains(job.get("status").asString()));
	}

	private double unknownStatuses() {
		return this.meters.get("gateway.upstream.unknown.statuses").counter().count();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
