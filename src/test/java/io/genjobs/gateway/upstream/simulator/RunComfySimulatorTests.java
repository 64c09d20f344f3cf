package io.genjobs.gateway.upstream.simulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The simulator over real HTTP on loopback, checked at the level of raw answers. */
class RunComfySimulatorTests {

	private static final String TOKEN = "simulator-test-token";

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final String INPUT = "{\"prompt\":\"A cat\",\"image_urls\":[\"https://example.com/cat.png\"]}";

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final List<RunComfySimulator> started = new ArrayList<>();

	private RunComfySimulator simulator;

	@AfterEach
	void stopSimulators() {
		this.started.forEach(RunComfySimulator::stop);
		this.http.close();
	}

	@Test
	void submitAnswersWithAnIdAndAbsoluteUrlsAndRecordsWhatItReceived() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));

		Reply reply = submit(MODEL, INPUT, TOKEN);

		assertThat(reply.status()).isEqualTo(200);
		String id = reply.body().get("request_id").asString();
		String base = this.simulator.baseUrl();
		assertThat(base).matches("http://127\\.0\\.0\\.1:\\d+");
		assertThat(reply.body().get("status_url").asString()).isEqualTo(base + "/v1/requests/" + id + "/status");
		assertThat(reply.body().get("result_url").asString()).isEqualTo(base + "/v1/requests/" + id + "/result");
		assertThat(reply.body().get("cancel_url").asString()).isEqualTo(base + "/v1/requests/" + id + "/cancel");
		assertThat(this.simulator.submitCount()).isEqualTo(1);
		RecordedSubmission recorded = this.simulator.submissions().get(0);
		assertThat(recorded.modelId()).isEqualTo(MODEL);
		assertThat(recorded.body()).isEqualTo(INPUT);
		assertThat(recorded.bearerToken()).isEqualTo(TOKEN);
		assertThat(recorded.headers().getFirst("Content-Type")).isEqualTo("application/json");
		assertThat(recorded.requestId()).isEqualTo(id);
		assertThat(recorded.toString()).doesNotContain(TOKEN);
	}

	@Test
	void aJobGoesFromQueueThroughProgressToCompletedWithAnOutputItServes() throws Exception {
		start(Duration.ofMillis(800), Duration.ofMillis(800));
		Instant submitted = Instant.now();
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		JsonNode queued = get("/v1/requests/" + id + "/status", TOKEN).body();
		assertThat(queued.get("status").asString()).isEqualTo("in_queue");
		assertThat(queued.get("queue_position").asInt()).isZero();
		assertThat(queued.get("request_id").asString()).isEqualTo(id);
		assertThat(queued.get("result_url").asString()).endsWith("/v1/requests/" + id + "/result");
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> status(id).equals("in_progress"));
		assertThat(get("/v1/requests/" + id + "/status", TOKEN).body().has("queue_position")).isFalse();
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> status(id).equals("completed"));

		JsonNode result = get("/v1/requests/" + id + "/result", TOKEN).body();
		assertThat(result.get("status").asString()).isEqualTo("completed");
		assertThat(result.get("error").isNull()).isTrue();
		String video = result.get("output").get("video").asString();
		assertThat(video).isEqualTo(this.simulator.baseUrl() + "/outputs/" + id + ".mp4");
		Instant createdAt = Instant.parse(result.get("created_at").asString());
		Instant finishedAt = Instant.parse(result.get("finished_at").asString());
		assertThat(Duration.between(createdAt, finishedAt)).isEqualTo(Duration.ofMillis(1600));
		assertThat(createdAt).isBetween(submitted.minusSeconds(1), submitted.plusSeconds(1));
		HttpResponse<byte[]> output = this.http.send(HttpRequest.newBuilder(URI.create(video)).build(),
				BodyHandlers.ofByteArray());
		assertThat(output.statusCode()).isEqualTo(200);
		assertThat(output.headers().firstValue("Content-Type")).hasValue("video/mp4");
		assertThat(new String(output.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
	}

	@Test
	void aResultBeforeTheEndHasNoOutputYet() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		JsonNode result = get("/v1/requests/" + id + "/result", TOKEN).body();

		assertThat(result.get("status").asString()).isEqualTo("in_queue");
		assertThat(result.get("output").isNull()).isTrue();
		assertThat(result.get("finished_at").isNull()).isTrue();
		assertThat(get("/outputs/" + id + ".mp4", null).status()).isEqualTo(404);
	}

	@Test
	void theQueuePositionCountsTheJobsAhead() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		submit(MODEL, INPUT, TOKEN);
		submit(MODEL, INPUT, TOKEN);
		String third = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		assertThat(get("/v1/requests/" + third + "/status", TOKEN).body().get("queue_position").asInt()).isEqualTo(2);
	}

	@Test
	void aQueuedJobCanBeCancelled() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		JsonNode cancel = post("/v1/requests/" + id + "/cancel", "", TOKEN).body();

		assertThat(cancel.get("outcome").asString()).isEqualTo("cancelled");
		assertThat(cancel.get("status").asString()).isEqualTo("cancelled");
		assertThat(cancel.get("request_id").asString()).isEqualTo(id);
		assertThat(status(id)).isEqualTo("cancelled");
		JsonNode result = get("/v1/requests/" + id + "/result", TOKEN).body();
		assertThat(result.get("status").asString()).isEqualTo("cancelled");
		assertThat(result.get("output").isNull()).isTrue();
		assertThat(result.get("finished_at").isNull()).isFalse();
		assertThat(post("/v1/requests/" + id + "/cancel", "", TOKEN).body().get("outcome").asString())
			.isEqualTo("cancelled");
		assertThat(this.simulator.inFlight()).isZero();
	}

	@Test
	void aRunningJobIsNotCancellable() throws Exception {
		start(Duration.ZERO, Duration.ofSeconds(5));
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		JsonNode cancel = post("/v1/requests/" + id + "/cancel", "", TOKEN).body();

		assertThat(cancel.get("outcome").asString()).isEqualTo("not_cancellable");
		assertThat(cancel.get("status").asString()).isEqualTo("in_progress");
		assertThat(status(id)).isEqualTo("in_progress");
	}

	@Test
	void anUnknownRequestIdIs404WithItsErrorCode() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));

		for (Reply reply : List.of(get("/v1/requests/nope/status", TOKEN), get("/v1/requests/nope/result", TOKEN),
				post("/v1/requests/nope/cancel", "", TOKEN))) {
			assertThat(reply.status()).isEqualTo(404);
			assertThat(reply.body().get("error_code").asLong()).isEqualTo(404001);
			assertThat(reply.body().get("message").asString()).isNotBlank();
		}
	}

	@Test
	void aMissingOrWrongTokenIs401WithItsErrorCodeAndCreatesNoJob() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));

		Reply wrong = submit(MODEL, INPUT, "not-the-token");
		Reply missing = get("/v1/requests/any/status", null);

		assertThat(wrong.status()).isEqualTo(401);
		assertThat(wrong.body().get("error_code").asLong()).isEqualTo(400004);
		assertThat(missing.status()).isEqualTo(401);
		assertThat(this.simulator.jobCount()).isZero();
		assertThat(this.simulator.submissions()).singleElement().satisfies((recorded) -> {
			assertThat(recorded.status()).isEqualTo(401);
			assertThat(recorded.accepted()).isFalse();
			assertThat(recorded.bearerToken()).isEqualTo("not-the-token");
		});
	}

	@Test
	void anyOwnerNameModelIdIsKnownByDefault() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));

		assertThat(submit("someone/some-model", INPUT, TOKEN).status()).isEqualTo(200);
		Reply oneSegment = submit("just-a-name", INPUT, TOKEN);
		assertThat(oneSegment.status()).isEqualTo(400);
		assertThat(oneSegment.body().get("error_code").asLong()).isEqualTo(400001);
		assertThat(submit("bytedance%2Fdreamina", INPUT, TOKEN).status()).isEqualTo(400);
	}

	@Test
	void onlyConfiguredModelIdsAreKnownWhenSomeAre() throws Exception {
		this.simulator = track(
				RunComfySimulator.start(SimulatorSettings.defaults().withToken(TOKEN).withModels(List.of(MODEL))));

		assertThat(submit(MODEL, INPUT, TOKEN).status()).isEqualTo(200);
		Reply other = submit("someone/some-model", INPUT, TOKEN);
		assertThat(other.status()).isEqualTo(400);
		assertThat(other.body().get("error_code").asLong()).isEqualTo(400001);
	}

	@Test
	void aBodyThatIsNotAJsonObjectIsABadRequest() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));

		assertThat(submit(MODEL, "[1, 2]", TOKEN).status()).isEqualTo(400);
		assertThat(submit(MODEL, "not json", TOKEN).status()).isEqualTo(400);
		assertThat(this.simulator.jobCount()).isZero();
	}

	@Test
	void theErrorRateAnswers500() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));
		this.simulator.setErrorRate(1);

		Reply reply = submit(MODEL, INPUT, TOKEN);

		assertThat(reply.status()).isEqualTo(500);
		assertThat(reply.body().get("error_code").asLong()).isEqualTo(RunComfySimulator.SERVER_ERROR);
		assertThat(this.simulator.jobCount()).isZero();
		this.simulator.setErrorRate(0);
		assertThat(submit(MODEL, INPUT, TOKEN).status()).isEqualTo(200);
	}

	@Test
	void theRateLimitRateAnswers429WithRetryAfter() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));
		this.simulator.setRateLimitRate(1);
		this.simulator.setRetryAfter(Duration.ofSeconds(3));

		Reply reply = get("/v1/requests/any/status", TOKEN);

		assertThat(reply.status()).isEqualTo(429);
		assertThat(reply.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(reply.body().get("error_code").asLong()).isEqualTo(RunComfySimulator.RATE_LIMITED);
	}

	@Test
	void theHttp200ErrorRateAnswersAnErrorBodyWithHttp200() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));
		this.simulator.setHttp200ErrorRate(1);

		Reply reply = submit(MODEL, INPUT, TOKEN);

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body().get("error_code").asLong()).isEqualTo(RunComfySimulator.ERROR_WITH_200);
		assertThat(reply.body().has("request_id")).isFalse();
		assertThat(this.simulator.jobCount()).isZero();
	}

	@Test
	void theSlowRateAnswersLateButStillActs() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		this.simulator.setSlowRate(1);
		this.simulator.setSlowDelay(Duration.ofMillis(700));

		long started = System.nanoTime();
		Reply reply = submit(MODEL, INPUT, TOKEN);

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
		assertThat(reply.status()).isEqualTo(200);
		assertThat(this.simulator.jobCount()).isEqualTo(1);
	}

	@Test
	void theNeverFinishRateLeavesJobsInProgress() throws Exception {
		start(Duration.ZERO, Duration.ofMillis(100));
		this.simulator.setNeverFinishRate(1);
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		Thread.sleep(400);

		assertThat(status(id)).isEqualTo("in_progress");
		assertThat(this.simulator.inFlight()).isEqualTo(1);
	}

	@Test
	void theFailRateCompletesJobsWithAnErrorAndNoOutput() throws Exception {
		start(Duration.ZERO, Duration.ofMillis(100));
		this.simulator.setFailRate(1);
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> status(id).equals("completed"));

		JsonNode result = get("/v1/requests/" + id + "/result", TOKEN).body();

		assertThat(result.get("status").asString()).isEqualTo("completed");
		assertThat(result.get("output").isNull()).isTrue();
		assertThat(result.get("error").asString()).isEqualTo(RunComfySimulator.FAILURE_MESSAGE);
		assertThat(get("/outputs/" + id + ".mp4", null).status()).isEqualTo(404);
	}

	@Test
	void theUnknownStatusRateAnswersUndocumentedStatusesOfTheSameMeaning() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		this.simulator.setUnknownStatusRate(1);
		String queued = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();
		this.simulator.setQueueDelay(Duration.ZERO);
		String running = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		for (int i = 0; i < 5; i++) {
			assertThat(status(queued)).isIn("pending", "waiting");
			assertThat(status(running)).isIn("starting", "processing");
		}
	}

	@Test
	void recordsThePeakNumberOfJobsInFlight() throws Exception {
		start(Duration.ZERO, Duration.ofMillis(300));
		for (int i = 0; i < 3; i++) {
			submit(MODEL, INPUT, TOKEN);
		}
		assertThat(this.simulator.inFlight()).isEqualTo(3);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.simulator.inFlight() == 0);

		this.simulator.setRunDelay(Duration.ofSeconds(5));
		submit(MODEL, INPUT, TOKEN);

		assertThat(this.simulator.inFlight()).isEqualTo(1);
		assertThat(this.simulator.peakInFlight()).isEqualTo(3);
		assertThat(this.simulator.jobCount()).isEqualTo(4);
	}

	@Test
	void cancelledJobsLeaveTheFlight() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		String first = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();
		post("/v1/requests/" + first + "/cancel", "", TOKEN);
		submit(MODEL, INPUT, TOKEN);

		assertThat(this.simulator.inFlight()).isEqualTo(1);
		assertThat(this.simulator.peakInFlight()).isEqualTo(1);
	}

	@Test
	void theSameSeedDrawsTheSameFaults() throws Exception {
		List<Integer> first = statusesOfTenSubmits(7);
		List<Integer> second = statusesOfTenSubmits(7);

		assertThat(first).isEqualTo(second).contains(200, 500);
	}

	@Test
	void resetForgetsJobsAndRestoresTheSettings() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		submit(MODEL, INPUT, TOKEN);
		this.simulator.setErrorRate(1);

		this.simulator.reset();

		assertThat(this.simulator.jobCount()).isZero();
		assertThat(this.simulator.submissions()).isEmpty();
		assertThat(this.simulator.peakInFlight()).isZero();
		assertThat(submit(MODEL, INPUT, TOKEN).status()).isEqualTo(200);
	}

	@Test
	void refusesRatesOutsideZeroToOne() {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));

		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.setErrorRate(1.5));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.setFailRate(-0.1));
	}

	@Test
	void stopClosesThePort() throws Exception {
		start(Duration.ofSeconds(1), Duration.ofSeconds(1));
		String base = this.simulator.baseUrl();

		this.simulator.stop();
		this.started.remove(this.simulator);

		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> this.http
			.send(HttpRequest.newBuilder(URI.create(base + "/v1/requests/x/status")).build(), BodyHandlers.ofString()));
	}

	@Test
	void theStatsEndpointCountsSubmitsAndTellsResendsFromJobsSentTwice() throws Exception {
		start(Duration.ofSeconds(5), Duration.ofSeconds(5));
		String other = "{\"prompt\":\"A dog\",\"image_urls\":[\"https://example.com/dog.png\"]}";
		this.simulator.setErrorRate(1);
		submit(MODEL, INPUT, TOKEN);
		this.simulator.setErrorRate(0);
		submit(MODEL, INPUT, TOKEN);
		submit(MODEL, other, TOKEN);
		submit(MODEL, other, TOKEN);

		JsonNode stats = get(RunComfySimulator.STATS_PATH, null).body();

		assertThat(stats.get("submits").asInt()).isEqualTo(4);
		assertThat(stats.get("accepted").asInt()).isEqualTo(3);
		assertThat(stats.get("duplicate_bodies").asInt()).isEqualTo(2);
		assertThat(stats.get("duplicate_accepted").asInt()).isEqualTo(1);
		assertThat(stats.get("jobs").asInt()).isEqualTo(3);
		assertThat(stats.get("peak_in_flight").asInt()).isEqualTo(3);
	}

	@Test
	void theStandaloneMainBindsSettingsLikeTheGatewayAndRefusesUnknownOnes() {
		SimulatorSettings settings = RunComfySimulatorMain.settings("--port=0", "--token=" + TOKEN, "--queue-delay=1s",
				"--run-delay=250ms", "--error-rate=0.3", "--rate-limit-rate=0.05", "--retry-after=2s", "--seed=7");

		assertThat(settings.token()).isEqualTo(TOKEN);
		assertThat(settings.queueDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(settings.runDelay()).isEqualTo(Duration.ofMillis(250));
		assertThat(settings.errorRate()).isEqualTo(0.3);
		assertThat(settings.rateLimitRate()).isEqualTo(0.05);
		assertThat(settings.retryAfter()).isEqualTo(Duration.ofSeconds(2));
		assertThat(settings.seed()).isEqualTo(7L);
		assertThat(settings.slowDelay()).isEqualTo(SimulatorSettings.defaults().slowDelay());
		assertThat(RunComfySimulatorMain.settings()).isEqualTo(SimulatorSettings.defaults());
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> RunComfySimulatorMain.settings("--eror-rate=0.3"));
		assertThatIllegalArgumentException().isThrownBy(() -> RunComfySimulatorMain.settings("port=1"));
	}

	@Test
	void delaysWithASpreadAreDrawnLogNormalAroundTheMedianAndAlikeForOneSeed() {
		SimulatorSettings settings = SimulatorSettings.defaults()
			.withDelays(Duration.ofSeconds(2), Duration.ofSeconds(10))
			.withDelaySigmas(0.5, 0.25)
			.withSeed(42);
		SimulatorFaults first = new SimulatorFaults(settings);
		SimulatorFaults second = new SimulatorFaults(settings);
		SimulatorFaults other = new SimulatorFaults(settings.withSeed(43));
		List<Double> queueLogs = new ArrayList<>();
		List<Double> runLogs = new ArrayList<>();
		for (int i = 0; i < 4000; i++) {
			Duration queue = first.queueDelay();
			Duration run = first.runDelay();
			assertThat(second.queueDelay()).isEqualTo(queue);
			assertThat(second.runDelay()).isEqualTo(run);
			queueLogs.add(Math.log(queue.toNanos() / 1e9));
			runLogs.add(Math.log(run.toNanos() / 1e9));
		}
		assertThat(other.queueDelay()).isNotEqualTo(new SimulatorFaults(settings).queueDelay());
		assertThat(mean(queueLogs)).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(0.05));
		assertThat(spread(queueLogs)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.05));
		assertThat(mean(runLogs)).isCloseTo(Math.log(10), org.assertj.core.data.Offset.offset(0.03));
		assertThat(spread(runLogs)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.03));
		// Without a spread every job takes the delay itself, and no draw is made.
		SimulatorFaults fixed = new SimulatorFaults(SimulatorSettings.defaults().withSeed(42));
		assertThat(fixed.queueDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(fixed.runDelay()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void theResultEndpointCanAnswerAnErrorUntilTheRequestIsDoneAndCallsAreCounted() throws Exception {
		this.simulator = track(RunComfySimulator.start(RunComfySimulatorMain.settings("--token=" + TOKEN,
				"--queue-delay=300ms", "--run-delay=300ms", "--result-errors-before-completion=true", "--seed=1")));
		String id = submit(MODEL, INPUT, TOKEN).body().get("request_id").asString();

		Reply early = get("/v1/requests/" + id + "/result", TOKEN);
		assertThat(early.status()).isEqualTo(400);
		assertThat(early.body().get("error_code").asLong()).isEqualTo(RunComfySimulator.NOT_DONE);
		assertThat(status(id)).isEqualTo("in_queue");
		await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("completed"));
		Reply done = get("/v1/requests/" + id + "/result", TOKEN);
		assertThat(done.status()).isEqualTo(200);
		assertThat(done.body().get("output").get("video").isString()).isTrue();

		JsonNode stats = get(RunComfySimulator.STATS_PATH, null).body();
		assertThat(stats.get("result_calls").asLong()).isEqualTo(2);
		assertThat(stats.get("status_calls").asLong()).isEqualTo(this.simulator.calls("status"))
			.isGreaterThanOrEqualTo(2);
	}

	private static double mean(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
	}

	private static double spread(List<Double> values) {
		double mean = mean(values);
		return Math.sqrt(values.stream().mapToDouble((v) -> (v - mean) * (v - mean)).sum() / (values.size() - 1));
	}

	@Test
	void settingsHideTheToken() {
		assertThat(SimulatorSettings.defaults().withToken(TOKEN).toString()).doesNotContain(TOKEN);
	}

	private List<Integer> statusesOfTenSubmits(long seed) throws Exception {
		RunComfySimulator seeded = track(
				RunComfySimulator.start(SimulatorSettings.defaults().withToken(TOKEN).withSeed(seed)));
		seeded.setErrorRate(0.5);
		this.simulator = seeded;
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			statuses.add(submit(MODEL, INPUT, TOKEN).status());
		}
		return statuses;
	}

	private void start(Duration queueDelay, Duration runDelay) {
		this.simulator = track(RunComfySimulator
			.start(SimulatorSettings.defaults().withToken(TOKEN).withDelays(queueDelay, runDelay).withSeed(1)));
	}

	private RunComfySimulator track(RunComfySimulator simulator) {
		this.started.add(simulator);
		return simulator;
	}

	private String status(String id) throws IOException, InterruptedException {
		return get("/v1/requests/" + id + "/status", TOKEN).body().get("status").asString();
	}

	private Reply submit(String model, String body, String token) throws IOException, InterruptedException {
		return post("/v1/models/" + model, body, token);
	}

	private Reply post(String path, String body, String token) throws IOException, InterruptedException {
		HttpRequest.Builder request = request(path, token).header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body));
		return send(request.build());
	}

	private Reply get(String path, String token) throws IOException, InterruptedException {
		return send(request(path, token).GET().build());
	}

	private HttpRequest.Builder request(String path, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.timeout(Duration.ofSeconds(10));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request;
	}

	private Reply send(HttpRequest request) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(request, BodyHandlers.ofString());
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		return new Reply(response.statusCode(), this.json.readTree(response.body()), response.headers());
	}

	private record Reply(int status, JsonNode body, HttpHeaders headers) {
	}

}
