package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.genjobs.gateway.upstream.UpstreamException.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@link RunComfyClient} against a scripted HTTP server on loopback. */
class RunComfyClientTests {

	static final String TOKEN = "rc-live-7f3a9c21-do-not-log";

	static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final JsonMapper json = JsonMapper.builder().build();

	private MockWebServer server;

	private RunComfyClient client;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new MockWebServer();
		this.server.start(InetAddress.getLoopbackAddress(), 0);
		this.client = client("http://127.0.0.1:" + this.server.getPort(), Duration.ofSeconds(5));
	}

	@AfterEach
	void stop() {
		this.client.destroy();
		this.server.close();
	}

	@Test
	void submitsToTheModelPathWithTheExactBodyAndToken() throws Exception {
		this.server.enqueue(json(200, """
				{"request_id": "req-1",
				 "status_url": "https://model-api.runcomfy.net/v1/requests/req-1/status",
				 "result_url": "https://model-api.runcomfy.net/v1/requests/req-1/result",
				 "cancel_url": "https://model-api.runcomfy.net/v1/requests/req-1/cancel"}"""));
		String input = "{\"prompt\":\"A slow tracking shot\",\"image_urls\":[\"https://example.com/in.jpeg\"],"
				+ "\"seed\":-1,\"frames\":121}";

		Submission submission = this.client.submit(MODEL, this.json.readTree(input)).block(WAIT);

		assertThat(submission)
			.isEqualTo(new Submission("req-1", "https://model-api.runcomfy.net/v1/requests/req-1/status",
					"https://model-api.runcomfy.net/v1/requests/req-1/result",
					"https://model-api.runcomfy.net/v1/requests/req-1/cancel"));
		RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
		assertThat(request.getMethod()).isEqualTo("POST");
		assertThat(request.getTarget()).isEqualTo("/v1/models/bytedance/dreamina-3-0/pro/image-to-video");
		assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
		assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
		assertThat(request.getBody().utf8()).isEqualTo(input);
	}

	@Test
	void refusesAModelIdWithAnEmptySegment() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client.submit("bytedance//video", this.json.createObjectNode()).block(WAIT));
		assertThat(this.server.getRequestCount()).isZero();
	}

	@Test
	void readsAQueuedStatus() throws Exception {
		this.server.enqueue(json(200, """
				{"request_id": "req-1", "status": "in_queue", "queue_position": 3,
				 "status_url": "https://x/status", "result_url": "https://x/result"}"""));

		RequestStatus status = this.client.status("req-1").block(WAIT);

		assertThat(status).isEqualTo(new RequestStatus("req-1", "in_queue", 3, "https://x/status", "https://x/result"));
		assertThat(status.state()).isEqualTo(UpstreamState.IN_QUEUE);
		RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
		assertThat(request.getMethod()).isEqualTo("GET");
		assertThat(request.getTarget()).isEqualTo("/v1/requests/req-1/status");
		assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
	}

	@ParameterizedTest
	@CsvSource({ "in_queue, IN_QUEUE", "pending, IN_QUEUE", "waiting, IN_QUEUE", "in_progress, IN_PROGRESS",
			"starting, IN_PROGRESS", "processing, IN_PROGRESS", "completed, COMPLETED", "succeeded, COMPLETED",
			"failed, FAILED", "cancelled, CANCELLED", "warming_up, UNKNOWN" })
	void keepsEveryStatusAsSentAndMapsIt(String sent, UpstreamState state) {
		this.server.enqueue(json(200, "{\"request_id\": \"req-1\", \"status\": \"" + sent + "\"}"));

		RequestStatus status = this.client.status("req-1").block(WAIT);

		assertThat(status.status()).isEqualTo(sent);
		assertThat(status.state()).isEqualTo(state);
		assertThat(status.queuePosition()).isNull();
	}

	@Test
	void readsACompletedResult() throws Exception {
		this.server.enqueue(json(200, """
				{"request_id": "req-1", "status": "completed",
				 "output": {"video": "https://cdn.runcomfy.net/out/req-1.mp4"},
				 "created_at": "2026-01-05T10:00:00Z", "finished_at": "2026-01-05T10:01:30.250Z",
				 "error": null}"""));

		RequestResult result = this.client.result("req-1").block(WAIT);

		assertThat(result.requestId()).isEqualTo("req-1");
		assertThat(result.output().get("video").asString()).isEqualTo("https://cdn.runcomfy.net/out/req-1.mp4");
		assertThat(result.createdAt()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
		assertThat(result.finishedAt()).isEqualTo(Instant.parse("2026-01-05T10:01:30.250Z"));
		assertThat(result.error()).isNull();
		assertThat(result.succeeded()).isTrue();
		assertThat(result.failed()).isFalse();
		assertThat(result.errorMessage()).isNull();
		assertThat(this.server.takeRequest(5, TimeUnit.SECONDS).getTarget())
			.isEqualTo("/v1/requests/req-1/result?include_cost=true");
		assertThat(result.costUsd()).as("no cost in the answer").isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0.75", "\"0.75\"" })
	void readsTheCostOfAResult(String cost) {
		this.server.enqueue(json(200, """
				{"request_id": "req-1", "status": "completed", "output": {"video": "https://cdn.runcomfy.net/v.mp4"},
				 "cost": %s}""".formatted(cost)));

		assertThat(this.client.result("req-1").block(WAIT).costUsd()).isEqualByComparingTo("0.75");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "\"free\"", "null", "{}", "1e400" })
	void ignoresACostItCannotBelieve(String cost) {
		this.server.enqueue(json(200, """
				{"request_id": "req-1", "status": "completed", "output": {"video": "https://cdn.runcomfy.net/v.mp4"},
				 "cost": %s}""".formatted(cost)));

		assertThat(this.client.result("req-1").block(WAIT).costUsd()).isNull();
	}

	@Test
	void aCompletedResultWithAnErrorAndNoOutputIsAFailedResultNotAnError() {
		this.server.enqueue(json(200,
				"""
						{"request_id": "req-1", "status": "completed", "output": null,
						 "created_at": "2026-01-05T10:00:00", "finished_at": 1767607290, "error": "Content policy violation"}"""));

		RequestResult result = this.client.result("req-1").block(WAIT);

		assertThat(result.failed()).isTrue();
		assertThat(result.succeeded()).isFalse();
		assertThat(result.errorMessage()).isEqualTo("Content policy violation");
		assertThat(result.createdAt()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
		assertThat(result.finishedAt()).isEqualTo(Instant.ofEpochSecond(1767607290));
	}

	@Test
	void readsAnErrorObjectInAFailedResult() {
		this.server.enqueue(json(200, """
				{"request_id": "req-1", "status": "failed", "output": {},
				 "error": {"code": "oom", "message": "GPU out of memory"}}"""));

		RequestResult result = this.client.result("req-1").block(WAIT);

		assertThat(result.failed()).isTrue();
		assertThat(result.errorMessage()).isEqualTo("GPU out of memory");
	}

	@Test
	void readsAnUnfinishedResult() {
		this.server.enqueue(json(200, """
				{"request_id": "req-1", "status": "in_progress", "output": null, "error": null}"""));

		RequestResult result = this.client.result("req-1").block(WAIT);

		assertThat(result.state()).isEqualTo(UpstreamState.IN_PROGRESS);
		assertThat(result.succeeded()).isFalse();
		assertThat(result.failed()).isFalse();
	}

	@Test
	void readsBothCancelOutcomes() throws Exception {
		this.server
			.enqueue(json(200, "{\"request_id\": \"req-1\", \"status\": \"cancelled\", \"outcome\": \"cancelled\"}"));
		this.server.enqueue(json(200,
				"{\"request_id\": \"req-2\", \"status\": \"in_progress\", \"outcome\": \"not_cancellable\"}"));

		CancelOutcome cancelled = this.client.cancel("req-1").block(WAIT);
		CancelOutcome notCancellable = this.client.cancel("req-2").block(WAIT);

		assertThat(cancelled.cancelled()).isTrue();
		assertThat(notCancellable.cancelled()).isFalse();
		assertThat(notCancellable.outcome()).isEqualTo("not_cancellable");
		RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
		assertThat(request.getMethod()).isEqualTo("POST");
		assertThat(request.getTarget()).isEqualTo("/v1/requests/req-1/cancel");
		assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
	}

	@Test
	void aServerErrorIsServerError() {
		this.server.enqueue(new MockResponse.Builder().code(503).body("<html>Bad gateway</html>").build());

		UpstreamException failure = failure(this.client.status("req-1"));

		assertThat(failure.kind()).isEqualTo(Kind.SERVER_ERROR);
		assertThat(failure.kind().safeToResend()).isTrue();
		assertThat(failure.httpStatus()).isEqualTo(503);
		assertThat(failure.errorCode()).isNull();
		assertThat(failure.operation()).isEqualTo(UpstreamOperation.STATUS);
	}

	@Test
	void tooManyRequestsCarriesRetryAfterInSeconds() {
		this.server.enqueue(json(429, "{\"error_code\": 429001, \"message\": \"Slow down\"}").newBuilder()
			.setHeader("Retry-After", "7")
			.build());

		UpstreamException failure = failure(this.client.submit(MODEL, this.json.createObjectNode()));

		assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
		assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(failure.httpStatus()).isEqualTo(429);
		assertThat(failure.errorCode()).isEqualTo(429001);
		assertThat(failure.upstreamMessage()).isEqualTo("Slow down");
	}

	@Test
	void tooManyRequestsCarriesRetryAfterAsAnHttpDate() {
		String in30Seconds = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(Instant.now().plusSeconds(30).atOffset(ZoneOffset.UTC));
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", in30Seconds).build());

		UpstreamException failure = failure(this.client.status("req-1"));

		assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
		assertThat(failure.retryAfter()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
	}

	@Test
	void tooManyRequestsWithoutRetryAfterHasNoWait() {
		this.server.enqueue(new MockResponse.Builder().code(429).build());

		UpstreamException failure = failure(this.client.status("req-1"));

		assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
		assertThat(failure.retryAfter()).isNull();
	}

	@Test
	void aClientErrorIsRejectedWithRunComfysCodeAndMessage() {
		this.server.enqueue(json(400, "{\"error_code\": 400000, \"message\": \"Invalid input\"}"));

		UpstreamException failure = failure(this.client.submit(MODEL, this.json.createObjectNode()));

		assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
		assertThat(failure.kind().safeToResend()).isFalse();
		assertThat(failure.httpStatus()).isEqualTo(400);
		assertThat(failure.errorCode()).isEqualTo(400000);
		assertThat(failure.upstreamMessage()).isEqualTo("Invalid input");
		assertThat(failure).hasMessageContaining("400000").hasMessageContaining("Invalid input");
	}

	/**
	 * DESIGN: insufficient balance is HTTP 402, or error_code 400002 under any status.
	 */
	@ParameterizedTest(name = "HTTP {0}: {1}")
	@CsvSource(delimiter = '|',
			value = { "402|{\"error_code\": 400002, \"message\": \"Insufficient balance\"}",
					"402|{\"message\": \"Payment required\"}", "402|",
					"400|{\"error_code\": 400002, \"message\": \"Insufficient balance\"}",
					"200|{\"error_code\": \"400002\", \"message\": \"Insufficient balance\"}",
					"500|{\"error_code\": 400002, \"message\": \"Insufficient balance\"}" })
	void anAnswerForInsufficientBalanceIsPaymentRequired(int status, String body) {
		this.server.enqueue(json(status, (body != null) ? body : ""));

		UpstreamException failure = failure(this.client.submit(MODEL, this.json.createObjectNode()));

		assertThat(failure.kind()).isEqualTo(Kind.PAYMENT_REQUIRED);
		assertThat(failure.kind().safeToResend()).isFalse();
		assertThat(failure.httpStatus()).isEqualTo(status);
		assertThat(failure.retryAfter()).isNull();
	}

	@Test
	void anUnknownRequestIdIsRejected() {
		this.server.enqueue(json(404, "{\"error_code\": \"404001\", \"error\": \"Request not found or expired\"}"));

		UpstreamException failure = failure(this.client.result("gone"));

		assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
		assertThat(failure.errorCode()).isEqualTo(404001);
		assertThat(failure.upstreamMessage()).isEqualTo("Request not found or expired");
	}

	@Test
	void anErrorBodyAnsweredWithHttp200IsRejected() {
		this.server.enqueue(json(200, "{\"error_code\": 400004, \"message\": \"Invalid or expired token\"}"));

		UpstreamException failure = failure(this.client.submit(MODEL, this.json.createObjectNode()));

		assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
		assertThat(failure.httpStatus()).isEqualTo(200);
		assertThat(failure.errorCode()).isEqualTo(400004);
		assertThat(failure.upstreamMessage()).isEqualTo("Invalid or expired token");
	}

	@Test
	void anErrorWithoutCodeAnsweredWithHttp200IsRejected() {
		this.server.enqueue(json(200, "{\"error\": \"Something went wrong\"}"));

		UpstreamException failure = failure(this.client.status("req-1"));

		assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
		assertThat(failure.errorCode()).isNull();
		assertThat(failure.upstreamMessage()).isEqualTo("Something went wrong");
	}

	@Test
	void unparsableJsonWithHttp200IsMalformed() {
		this.server.enqueue(json(200, "{\"request_id\": \"req-1\", "));

		UpstreamException failure = failure(this.client.submit(MODEL, this.json.createObjectNode()));

		assertThat(failure.kind()).isEqualTo(Kind.MALFORMED);
		assertThat(failure.httpStatus()).isEqualTo(200);
	}

	@Test
	void anAnswerWithoutARequiredFieldIsMalformed() {
		this.server.enqueue(json(200, "{\"status_url\": \"https://x/status\"}"));
		this.server.enqueue(json(200, "{\"request_id\": \"req-1\", \"queue_position\": 2}"));
		this.server.enqueue(new MockResponse.Builder().code(200).build());

		assertThat(failure(this.client.submit(MODEL, this.json.createObjectNode())).kind()).isEqualTo(Kind.MALFORMED);
		UpstreamException noStatus = failure(this.client.status("req-1"));
		assertThat(noStatus.kind()).isEqualTo(Kind.MALFORMED);
		assertThat(noStatus).hasMessageContaining("'status'");
		assertThat(failure(this.client.cancel("req-1")).kind()).isEqualTo(Kind.MALFORMED);
	}

	@Test
	void noAnswerWithinTheResponseTimeoutAfterTheRequestArrivedIsOutcomeUnknown() throws Exception {
		RunComfyClient impatient = client("http://127.0.0.1:" + this.server.getPort(), Duration.ofMillis(300));
		this.server
			.enqueue(json(200, "{\"request_id\": \"req-1\"}").newBuilder().headersDelay(3, TimeUnit.SECONDS).build());
		try {
			UpstreamException failure = failure(impatient.submit(MODEL, this.json.createObjectNode()));

			assertThat(failure.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
			assertThat(failure.kind().safeToResend()).isFalse();
			assertThat(failure.httpStatus()).isNull();
			assertThat(this.server.takeRequest(5, TimeUnit.SECONDS).getTarget()).startsWith("/v1/models/");
		}
		finally {
			impatient.destroy();
		}
	}

	@Test
	void aConnectionClosedAfterTheRequestArrivedIsOutcomeUnknown() throws Exception {
		this.server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

		UpstreamException failure = failure(this.client.submit(MODEL, this.json.createObjectNode()));

		assertThat(failure.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
		assertThat(this.server.takeRequest(5, TimeUnit.SECONDS).getTarget()).startsWith("/v1/models/");
	}

	@Test
	void aRefusedConnectionIsNotSent() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		RunComfyClient nowhere = client("http://127.0.0.1:" + closedPort, Duration.ofSeconds(5));
		try {
			UpstreamException failure = failure(nowhere.submit(MODEL, this.json.createObjectNode()));

			assertThat(failure.kind()).isEqualTo(Kind.NOT_SENT);
			assertThat(failure.kind().safeToResend()).isTrue();
			assertThat(failure.httpStatus()).isNull();
		}
		finally {
			nowhere.destroy();
		}
	}

	@Test
	void aFailureWithoutAnAnswerSaysWhetherTheRequestLeftAndWhyInTheSharedWording() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		RunComfyClient nowhere = client("http://127.0.0.1:" + closedPort, Duration.ofSeconds(5));
		try {
			UpstreamException failure = failure(nowhere.status("req-1"));

			assertThat(failure)
				.hasMessage("RunComfy status failed (NOT_SENT): the request was not sent: the connection was refused");
			assertThat(failure.getCause()).isNotNull();
		}
		finally {
			nowhere.destroy();
		}
	}

	@Test
	void noAnswerWithinTheResponseTimeoutIsWordedWithTheTimeout() {
		RunComfyClient impatient = client("http://127.0.0.1:" + this.server.getPort(), Duration.ofMillis(300));
		this.server.enqueue(json(200, "{\"request_id\": \"req-1\", \"status\": \"in_queue\"}").newBuilder()
			.headersDelay(3, TimeUnit.SECONDS)
			.build());
		try {
			assertThat(failure(impatient.status("req-1"))).hasMessage(
					"RunComfy status failed (OUTCOME_UNKNOWN): the request was sent but no answer came: no answer within 300 ms");
		}
		finally {
			impatient.destroy();
		}
	}

	@Test
	void failuresBeforeTheRequestLeftAreNotSentAndOthersAreUnknown() {
		URI uri = URI.create("https://model-api.runcomfy.net/v1/models/a/b");
		assertThat(RunComfyClient.transportKind(wrapped(new ConnectTimeoutException("connection timed out"), uri)))
			.isEqualTo(Kind.NOT_SENT);
		assertThat(RunComfyClient.transportKind(wrapped(new UnknownHostException("model-api.runcomfy.net"), uri)))
			.isEqualTo(Kind.NOT_SENT);
		assertThat(RunComfyClient.transportKind(wrapped(new SSLHandshakeException("bad cert"), uri)))
			.isEqualTo(Kind.NOT_SENT);
		assertThat(RunComfyClient.transportKind(wrapped(ReadTimeoutException.INSTANCE, uri)))
			.isEqualTo(Kind.OUTCOME_UNKNOWN);
		assertThat(RunComfyClient.transportKind(wrapped(PrematureCloseException.TEST_EXCEPTION, uri)))
			.isEqualTo(Kind.OUTCOME_UNKNOWN);
		assertThat(RunComfyClient.transportKind(new IOException("Connection reset by peer")))
			.isEqualTo(Kind.OUTCOME_UNKNOWN);
	}

	@Test
	void theTokenAppearsInNoFailureEvenWhenRunComfyEchoesIt() {
		this.server.enqueue(json(401, "{\"error_code\": 400004, \"message\": \"Token " + TOKEN + " has expired\"}"));

		UpstreamException failure = failure(this.client.status("req-1"));

		assertThat(failure.upstreamMessage()).isEqualTo("Token (token) has expired");
	}

	@Test
	void settingsAndEndpointHideTheToken() {
		RunComfySettings settings = new RunComfySettings(URI.create("https://model-api.runcomfy.net"), TOKEN,
				Duration.ofSeconds(5), Duration.ofSeconds(30));
		UpstreamEndpoint endpoint = new UpstreamEndpoint("https://model-api.runcomfy.net/", TOKEN);

		assertThat(settings.toString()).doesNotContain(TOKEN).contains("(set)");
		assertThat(endpoint.toString()).doesNotContain(TOKEN);
		assertThat(endpoint.baseUrl()).isEqualTo("https://model-api.runcomfy.net");
	}

	static RunComfyClient client(String baseUrl, Duration responseTimeout) {
		return new RunComfyClient(WebClient.builder(), new UpstreamEndpoint(baseUrl, TOKEN),
				new RunComfySettings(URI.create(baseUrl), TOKEN, Duration.ofSeconds(2), responseTimeout));
	}

	/**
	 * The call's failure, checked to be an {@link UpstreamException} that never shows the
	 * token.
	 */
	static UpstreamException failure(Mono<?> call) {
		Throwable thrown = catchThrowable(() -> call.block(WAIT));
		assertThat(thrown).isInstanceOf(UpstreamException.class);
		StringWriter trace = new StringWriter();
		thrown.printStackTrace(new PrintWriter(trace));
		assertThat(trace.toString()).doesNotContain(TOKEN);
		assertThat(thrown.toString()).doesNotContain(TOKEN);
		return (UpstreamException) thrown;
	}

	private static MockResponse json(int status, String body) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
	}

	private static WebClientRequestException wrapped(Throwable cause, URI uri) {
		return new WebClientRequestException(cause, HttpMethod.POST, uri, new HttpHeaders());
	}

}
