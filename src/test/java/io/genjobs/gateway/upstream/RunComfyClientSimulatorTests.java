package io.genjobs.gateway.upstream;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.upstream.UpstreamException.Kind;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;
import io.genjobs.gateway.upstream.simulator.SimulatorSettings;

import static io.genjobs.gateway.upstream.RunComfyClientTests.MODEL;
import static io.genjobs.gateway.upstream.RunComfyClientTests.TOKEN;
import static io.genjobs.gateway.upstream.RunComfyClientTests.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RunComfyClient} against the built-in simulator: each fault is read as intended.
 */
class RunComfyClientSimulatorTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final JsonNode input = JsonMapper.builder().build().readTree("{\"prompt\": \"A cat\"}");

	private RunComfySimulator simulator;

	private RunComfyClient client;

	@BeforeEach
	void start() {
		this.simulator = RunComfySimulator.start(SimulatorSettings.defaults()
			.withToken(TOKEN)
			.withDelays(Duration.ofMillis(500), Duration.ofMillis(500))
			.withSeed(3));
		this.client = client(TOKEN, Duration.ofSeconds(5));
	}

	@AfterEach
	void stop() {
		this.client.destroy();
		this.simulator.stop();
	}

	@Test
	void readsTheCostTheSimulatorAnswersWithIncludeCostOnly() throws Exception {
		JsonNode framed = JsonMapper.builder().build().readTree("{\"prompt\": \"A cat\", \"frames\": 121}");
		Submission submission = this.client.submit(MODEL, framed).block(WAIT);
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.client.status(submission.requestId()).block(WAIT).state() == UpstreamState.COMPLETED);

		RequestResult result = this.client.result(submission.requestId()).block(WAIT);
		assertThat(result.succeeded()).isTrue();
		// 121 frames are 5 s of video at the catalog's 0.1 USD per second.
		assertThat(result.costUsd()).isEqualByComparingTo("0.5");
		java.net.http.HttpResponse<String> without = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(URI.create(this.simulator.baseUrl() + "/v1/requests/" + submission.requestId() + "/result"))
				.header("Authorization", "Bearer " + TOKEN)
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(JsonMapper.builder().build().readTree(without.body()).has("cost")).isFalse();
	}

	@Test
	void followsAJobFromSubmitToItsOutput() {
		Submission submission = this.client.submit(MODEL, this.input).block(WAIT);
		assertThat(submission.statusUrl()).startsWith(this.simulator.baseUrl());

		RequestStatus queued = this.client.status(submission.requestId()).block(WAIT);
		assertThat(queued.state()).isEqualTo(UpstreamState.IN_QUEUE);
		assertThat(queued.queuePosition()).isZero();
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.client.status(submission.requestId()).block(WAIT).state() == UpstreamState.COMPLETED);

		RequestResult result = this.client.result(submission.requestId()).block(WAIT);
		assertThat(result.succeeded()).isTrue();
		assertThat(result.output().get("video").asString()).startsWith(this.simulator.baseUrl() + "/outputs/");
		assertThat(result.createdAt()).isBefore(result.finishedAt());
		assertThat(this.simulator.submissions()).singleElement().satisfies((recorded) -> {
			assertThat(recorded.modelId()).isEqualTo(MODEL);
			assertThat(recorded.body()).isEqualTo("{\"prompt\":\"A cat\"}");
			assertThat(recorded.bearerToken()).isEqualTo(TOKEN);
		});
	}

	@Test
	void cancelsAQueuedJobButNotARunningOne() {
		String queued = this.client.submit(MODEL, this.input).block(WAIT).requestId();
		this.simulator.setQueueDelay(Duration.ZERO);
		String running = this.client.submit(MODEL, this.input).block(WAIT).requestId();

		assertThat(this.client.cancel(queued).block(WAIT).cancelled()).isTrue();
		assertThat(this.client.cancel(running).block(WAIT).cancelled()).isFalse();
		assertThat(this.client.status(queued).block(WAIT).state()).isEqualTo(UpstreamState.CANCELLED);
	}

	@Test
	void readsAFailedJobAsAFailedResult() {
		this.simulator.setFailRate(1);
		this.simulator.setQueueDelay(Duration.ZERO);
		this.simulator.setRunDelay(Duration.ZERO);
		String id = this.client.submit(MODEL, this.input).block(WAIT).requestId();

		RequestResult result = this.client.result(id).block(WAIT);

		assertThat(result.failed()).isTrue();
		assertThat(result.errorMessage()).isEqualTo(RunComfySimulator.FAILURE_MESSAGE);
	}

	@Test
	void readsUndocumentedStatusesAsTheirStates() {
		this.simulator.setUnknownStatusRate(1);
		String id = this.client.submit(MODEL, this.input).block(WAIT).requestId();

		RequestStatus status = this.client.status(id).block(WAIT);

		assertThat(status.status()).isIn("pending", "waiting");
		assertThat(status.state()).isEqualTo(UpstreamState.IN_QUEUE);
	}

	@Test
	void readsEachInjectedFaultAsItsKind() {
		this.simulator.setErrorRate(1);
		assertThat(failure(this.client.submit(MODEL, this.input)).kind()).isEqualTo(Kind.SERVER_ERROR);
		this.simulator.setErrorRate(0);

		this.simulator.setRateLimitRate(1);
		this.simulator.setRetryAfter(Duration.ofSeconds(3));
		UpstreamException limited = failure(this.client.submit(MODEL, this.input));
		assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
		assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(3));
		this.simulator.setRateLimitRate(0);

		this.simulator.setHttp200ErrorRate(1);
		UpstreamException with200 = failure(this.client.submit(MODEL, this.input));
		assertThat(with200.kind()).isEqualTo(Kind.REJECTED);
		assertThat(with200.httpStatus()).isEqualTo(200);
		assertThat(with200.errorCode()).isEqualTo(RunComfySimulator.ERROR_WITH_200);
		this.simulator.setHttp200ErrorRate(0);

		assertThat(this.simulator.jobCount()).isZero();
	}

	@Test
	void aSlowAnswerIsAnUnknownOutcomeWhileTheJobWasCreated() {
		RunComfyClient impatient = client(TOKEN, Duration.ofMillis(300));
		this.simulator.setSlowRate(1);
		this.simulator.setSlowDelay(Duration.ofSeconds(2));
		try {
			UpstreamException failure = failure(impatient.submit(MODEL, this.input));

			assertThat(failure.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
			assertThat(this.simulator.jobCount()).isEqualTo(1);
		}
		finally {
			impatient.destroy();
		}
	}

	@Test
	void rejectionsKeepRunComfysErrorCodes() {
		UpstreamException badToken = failure(client("wrong-token", WAIT).submit(MODEL, this.input));
		assertThat(badToken.kind()).isEqualTo(Kind.REJECTED);
		assertThat(badToken.httpStatus()).isEqualTo(401);
		assertThat(badToken.errorCode()).isEqualTo(400004);

		UpstreamException unknownModel = failure(this.client.submit("no-owner", this.input));
		assertThat(unknownModel.errorCode()).isEqualTo(400001);

		UpstreamException unknownRequest = failure(this.client.status("no-such-request"));
		assertThat(unknownRequest.httpStatus()).isEqualTo(404);
		assertThat(unknownRequest.errorCode()).isEqualTo(404001);
	}

	@Test
	void aStoppedSimulatorIsNotSent() {
		this.simulator.stop();
		this.simulator = RunComfySimulator.start(SimulatorSettings.defaults());

		assertThat(failure(this.client.submit(MODEL, this.input)).kind()).isEqualTo(Kind.NOT_SENT);
	}

	private RunComfyClient client(String token, Duration responseTimeout) {
		String baseUrl = this.simulator.baseUrl();
		return new RunComfyClient(WebClient.builder(), new UpstreamEndpoint(baseUrl, token),
				new RunComfySettings(URI.create(baseUrl), token, Duration.ofSeconds(2), responseTimeout));
	}

}
