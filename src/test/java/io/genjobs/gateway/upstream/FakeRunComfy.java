package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okio.Buffer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scripted RunComfy on 127.0.0.1 for fault tests over real HTTP. Each test scripts a
 * {@link Scenario} keyed by its job's unique prompt: the submit carrying that prompt, and
 * then the status, result and cancel calls for the request id the scenario hands out, are
 * answered by that scenario alone and recorded on it, so tests never see each other's
 * traffic. Calls no scenario claims are answered with a RunComfy error and kept in
 * {@link #unscripted()}.
 */
final class FakeRunComfy extends Dispatcher implements AutoCloseable {

	private static final Pattern SUBMIT = Pattern.compile("/v1/models/.+");

	private static final Pattern REQUEST = Pattern.compile("/v1/requests/([^/]+)/(status|result|cancel)");

	private final JsonMapper json = JsonMapper.builder().build();

	private final MockWebServer server = new MockWebServer();

	private final Map<String, Scenario> byPrompt = new ConcurrentHashMap<>();

	private final Map<String, Scenario> byRequestId = new ConcurrentHashMap<>();

	private final List<Call> unscripted = new CopyOnWriteArrayList<>();

	private FakeRunComfy() {
		this.server.setDispatcher(this);
	}

	/** A fake RunComfy listening on a free port of 127.0.0.1. */
	static FakeRunComfy start() {
		FakeRunComfy fake = new FakeRunComfy();
		try {
			fake.server.start(InetAddress.getLoopbackAddress(), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return fake;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getPort();
	}

	/**
	 * A new scenario for the job with this prompt. By default RunComfy accepts the
	 * submit, reports the request completed and hands out a video; tests replace what
	 * they need.
	 */
	Scenario scenario(String prompt) {
		Scenario scenario = new Scenario(prompt);
		this.byPrompt.put(prompt, scenario);
		this.byRequestId.put(scenario.requestId(), scenario);
		return scenario;
	}

	/** Calls that no scenario answered. */
	List<Call> unscripted() {
		return List.copyOf(this.unscripted);
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		String method = request.getMethod();
		String path = request.getUrl().encodedPath();
		String body = (request.getBody() != null) ? request.getBody().utf8() : "";
		Instant at = Instant.now();
		Scenario scenario = null;
		Operation operation = null;
		Matcher matcher = REQUEST.matcher(path);
		if (SUBMIT.matcher(path).matches()) {
			scenario = this.byPrompt.get(promptOf(body));
			operation = Operation.SUBMIT;
		}
		else if (matcher.matches()) {
			scenario = this.byRequestId.get(matcher.group(1));
			operation = Operation.valueOf(matcher.group(2).toUpperCase(Locale.ROOT));
		}
		Call call = new Call(operation, method, path, request.getHeaders(), body, at);
		if (scenario != null && method.equals(operation.method)) {
			return scenario.answer(call);
		}
		this.unscripted.add(call);
		return error(404, 404001, "Nothing scripted for " + call.method() + " " + call.path());
	}

	private String promptOf(String body) {
		try {
			JsonNode prompt = this.json.readTree(body).get("prompt");
			return (prompt != null && prompt.isString()) ? prompt.asString() : "";
		}
		catch (JacksonException ex) {
			return "";
		}
	}

	@Override
	public void close() {
		this.server.close();
	}

	/** An answer with a JSON body. */
	static MockResponse json(int status, String body) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
	}

	/** RunComfy's error shape: a numeric {@code error_code} and a message. */
	static MockResponse error(int status, long errorCode, String message) {
		return json(status, "{\"error_code\": %d, \"message\": \"%s\"}".formatted(errorCode, message));
	}

	/** The four calls RunComfy's Model API takes. */
	enum Operation {

		SUBMIT("POST"), STATUS("GET"), RESULT("GET"), CANCEL("POST");

		private final String method;

		Operation(String method) {
			this.method = method;
		}

	}

	/** One request RunComfy received, as it received it. */
	record Call(Operation operation, String method, String path, Headers headers, String body, Instant at) {

		String header(String name) {
			return this.headers.get(name);
		}

	}

	/**
	 * How RunComfy answers one job. Each answer is a function of the call's number (from
	 * 1) among this scenario's calls of that operation. A scenario that scripts the
	 * status ({@link #onStatus}) answers the result endpoint as RunComfy does: with the
	 * scripted status while it is not done (or the scripted error), and with the scripted
	 * result once it is; the status script then counts the status and result calls
	 * together (its {@code n} is the poll's number, whichever endpoint was read).
	 */
	static final class Scenario {

		private final String prompt;

		private final String requestId = "req-" + UUID.randomUUID();

		private final Map<Operation, IntFunction<MockResponse>> answers = new EnumMap<>(Operation.class);

		private final Map<Operation, AtomicInteger> counts = new EnumMap<>(Operation.class);

		private final List<Call> calls = new CopyOnWriteArrayList<>();

		private final AtomicInteger polls = new AtomicInteger();

		private volatile boolean statusScripted;

		private volatile boolean resultErrorsUntilDone;

		private Scenario(String prompt) {
			this.prompt = prompt;
			for (Operation operation : Operation.values()) {
				this.counts.put(operation, new AtomicInteger());
			}
			this.answers.put(Operation.SUBMIT, (n) -> accepted());
			this.answers.put(Operation.STATUS, (n) -> status("completed"));
			this.answers.put(Operation.RESULT, (n) -> succeeded());
			this.answers.put(Operation.CANCEL, (n) -> cancel("not_cancellable", "in_progress"));
		}

		String prompt() {
			return this.prompt;
		}

		/** The request id RunComfy gives the job when it accepts it. */
		String requestId() {
			return this.requestId;
		}

		Scenario onSubmit(IntFunction<MockResponse> answer) {
			return on(Operation.SUBMIT, answer);
		}

		Scenario onStatus(IntFunction<MockResponse> answer) {
			this.statusScripted = true;
			return on(Operation.STATUS, answer);
		}

		/**
		 * The result endpoint answers an error (HTTP 400) while the scripted status says
		 * the request is not done, as some RunComfy deployments might, rather than the
		 * status.
		 */
		Scenario resultErrorsUntilDone() {
			this.resultErrorsUntilDone = true;
			return this;
		}

		Scenario onResult(IntFunction<MockResponse> answer) {
			return on(Operation.RESULT, answer);
		}

		Scenario onCancel(IntFunction<MockResponse> answer) {
			return on(Operation.CANCEL, answer);
		}

		private Scenario on(Operation operation, IntFunction<MockResponse> answer) {
			this.answers.put(operation, answer);
			return this;
		}

		/** Every call made for this job, in order. */
		List<Call> calls() {
			return List.copyOf(this.calls);
		}

		/** The calls of one operation, in order. */
		List<Call> calls(Operation operation) {
			return this.calls.stream().filter((call) -> call.operation() == operation).toList();
		}

		/** RunComfy's answer to an accepted submit. */
		MockResponse accepted() {
			String base = "https://model-api.runcomfy.net/v1/requests/" + this.requestId;
			return json(200, """
					{"request_id": "%s", "status_url": "%s/status", "result_url": "%s/result",
					 "cancel_url": "%s/cancel"}""".formatted(this.requestId, base, base, base));
		}

		MockResponse status(String status) {
			return json(200, "{\"request_id\": \"%s\", \"status\": \"%s\"}".formatted(this.requestId, status));
		}

		MockResponse queued(int position) {
			return json(200, "{\"request_id\": \"%s\", \"status\": \"in_queue\", \"queue_position\": %d}"
				.formatted(this.requestId, position));
		}

		/** The video URL a succeeded result hands out. */
		String outputUrl() {
			return "https://outputs.runcomfy.net/" + this.requestId + ".mp4";
		}

		MockResponse succeeded() {
			return json(200, """
					{"request_id": "%s", "status": "completed", "output": {"video": "%s"},
					 "created_at": "2025-01-01T10:00:00Z", "finished_at": "2025-01-01T10:01:00Z"}"""
				.formatted(this.requestId, outputUrl()));
		}

		/** A finished result without output: {@code error} is raw JSON. */
		MockResponse resultWithoutOutput(String status, String error) {
			return json(200, "{\"request_id\": \"%s\", \"status\": \"%s\", \"output\": null, \"error\": %s}"
				.formatted(this.requestId, status, error));
		}

		MockResponse cancel(String outcome, String status) {
			return json(200, "{\"request_id\": \"%s\", \"status\": \"%s\", \"outcome\": \"%s\"}"
				.formatted(this.requestId, status, outcome));
		}

		private MockResponse answer(Call call) {
			this.calls.add(call);
			int number = this.counts.get(call.operation()).incrementAndGet();
			if (this.statusScripted && call.operation() == Operation.STATUS) {
				return this.answers.get(Operation.STATUS).apply(this.polls.incrementAndGet());
			}
			if (this.statusScripted && call.operation() == Operation.RESULT) {
				MockResponse current = this.answers.get(Operation.STATUS).apply(this.polls.incrementAndGet());
				if (!done(current)) {
					return this.resultErrorsUntilDone ? error(400, 400005, "Request is not completed yet") : current;
				}
			}
			return this.answers.get(call.operation()).apply(number);
		}

		/** Whether a status answer says the request is done (or cancelled). */
		private static boolean done(MockResponse answer) {
			if (answer.getCode() < 200 || answer.getCode() > 299 || answer.getBody() == null) {
				return false;
			}
			Buffer body = new Buffer();
			try {
				answer.getBody().writeTo(body);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			JsonNode status = JsonMapper.builder().build().readTree(body.readUtf8()).get("status");
			return status != null && UpstreamState.of(status.asString()).isTerminal();
		}

	}

}
