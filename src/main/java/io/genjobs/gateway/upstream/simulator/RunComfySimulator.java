package io.genjobs.gateway.upstream.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;

import io.genjobs.gateway.upstream.simulator.SimulatedJob.Fate;
import io.genjobs.gateway.upstream.simulator.SimulatedJob.Phase;

/**
 * A stand-in for RunComfy's Model API: the same four endpoints and JSON shapes, served by
 * its own Reactor Netty server on 127.0.0.1 (never on the gateway's public port), with
 * jobs that go {@code in_queue} → {@code in_progress} → {@code completed} on the
 * configured delays and faults that can be switched at run time. It records every submit
 * it receives and the peak number of jobs in flight, for tests.
 * <p>
 * Errors mirror RunComfy's: HTTP status plus {@code {"error_code", "message"}}, with
 * {@value #UNKNOWN_MODEL} for an unknown model, {@value #BAD_TOKEN} for a missing or
 * wrong token and {@value #UNKNOWN_REQUEST} for an unknown request id. Injected faults
 * use {@value #SERVER_ERROR} (HTTP 500), {@value #RATE_LIMITED} (HTTP 429) and
 * {@value #ERROR_WITH_200} (an error body answered with HTTP 200).
 * <p>
 * Start one with {@link #start(SimulatorSettings)} and end it with {@link #stop()}; with
 * {@code gateway.simulator.enabled=true} the gateway does both with the application.
 */
public final class RunComfySimulator {

	public static final long BAD_REQUEST = 400000;

	public static final long UNKNOWN_MODEL = 400001;

	public static final long ERROR_WITH_200 = 400003;

	public static final long BAD_TOKEN = 400004;

	public static final long NO_SUCH_ENDPOINT = 404000;

	public static final long UNKNOWN_REQUEST = 404001;

	public static final long RATE_LIMITED = 429000;

	public static final long SERVER_ERROR = 500000;

	/** The {@code error} of a job that the fail rate made fail. */
	public static final String FAILURE_MESSAGE = "Simulated failure: the model could not generate a video";

	private static final Log logger = LogFactory.getLog(RunComfySimulator.class);

	private static final String HOST = "127.0.0.1";

	private static final String MODELS_PATH = "/v1/models/";

	private static final String OUTPUTS_PATH = "/outputs/";

	/**
	 * Test-only, read-only counters for the chaos scripts in {@code bench/}, which run
	 * the simulator as a process of its own and cannot call {@link #stats()}. RunComfy
	 * has no such endpoint; like everything here it listens on loopback only.
	 */
	static final String STATS_PATH = "/_simulator/stats";

	/**
	 * A 1280x720 JPEG to use as a job's input image when there is no internet to fetch
	 * one from (the README's local example points at it; the local profile allow-lists
	 * the simulator's address).
	 */
	public static final String SAMPLE_INPUT_PATH = "/samples/input.jpg";

	private static final Pattern REQUEST_PATH = Pattern.compile("/v1/requests/([^/]+)/(status|result|cancel)");

	private static final Pattern ANY_MODEL = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+");

	// The smallest MP4 a player recognises as one: an 'ftyp' box and nothing else.
	private static final byte[] SAMPLE_VIDEO = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0, 'm',
			'p', '4', '2', 'i', 's', 'o', 'm' };

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final SimulatorSettings settings;

	private final long seed;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, SimulatedJob> jobs = new ConcurrentHashMap<>();

	private final List<RecordedSubmission> submissions = new CopyOnWriteArrayList<>();

	private final AtomicLong sequence = new AtomicLong();

	private final LoopResources loops;

	private final DisposableServer server;

	private final String baseUrl;

	private volatile Random random;

	private volatile Duration queueDelay;

	private volatile Duration runDelay;

	private volatile Duration slowDelay;

	private volatile Duration retryAfter;

	private volatile double errorRate;

	private volatile double rateLimitRate;

	private volatile double http200ErrorRate;

	private volatile double slowRate;

	private volatile double neverFinishRate;

	private volatile double failRate;

	private volatile double unknownStatusRate;

	private RunComfySimulator(SimulatorSettings settings) {
		this.settings = settings;
		Long configured = settings.seed();
		this.seed = (configured != null) ? configured : new Random().nextLong();
		applySettings();
		// Its own single event-loop thread: the simulator neither competes with nor
		// depends on the gateway's Netty resources, and stops without touching them.
		this.loops = LoopResources.create("runcomfy-simulator", 1, true);
		try {
			this.server = HttpServer.create()
				.host(HOST)
				.port(settings.port())
				.runOn(this.loops)
				.handle(this::handle)
				.bindNow();
		}
		catch (RuntimeException ex) {
			this.loops.dispose();
			throw ex;
		}
		this.baseUrl = "http://" + HOST + ":" + this.server.port();
	}

	/** Starts a simulator on 127.0.0.1 with these settings (port 0 picks a free one). */
	public static RunComfySimulator start(SimulatorSettings settings) {
		RunComfySimulator simulator = new RunComfySimulator(settings);
		logger.info("RunComfy simulator listening on " + simulator.baseUrl() + " (random seed " + simulator.seed + ")");
		return simulator;
	}

	/** Stops listening and releases the simulator's thread. */
	public void stop() {
		this.server.disposeNow(STOP_TIMEOUT);
		this.loops.disposeLater(Duration.ZERO, STOP_TIMEOUT).block(STOP_TIMEOUT);
	}

	/** Its base URL, {@code http://127.0.0.1:<port>}, in place of RunComfy's. */
	public String baseUrl() {
		return this.baseUrl;
	}

	public int port() {
		return this.server.port();
	}

	/** The settings it was started with (run-time changes are not reflected here). */
	public SimulatorSettings settings() {
		return this.settings;
	}

	/** Every submit received so far, in order, whatever it was answered. */
	public List<RecordedSubmission> submissions() {
		return List.copyOf(this.submissions);
	}

	/** The number of submits received so far, accepted or not. */
	public int submitCount() {
		return this.submissions.size();
	}

	/** The number of jobs created so far. */
	public int jobCount() {
		return this.jobs.size();
	}

	/** The jobs submitted and neither finished nor cancelled now. */
	public int inFlight() {
		Instant now = Instant.now();
		int count = 0;
		for (SimulatedJob job : this.jobs.values()) {
			Instant leaves = job.leavesFlightAt();
			if (leaves == null || now.isBefore(leaves)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * The most jobs that were in flight at once so far (submitted and neither finished
	 * nor cancelled), which a test compares with the gateway's in-flight cap.
	 */
	public int peakInFlight() {
		Instant now = Instant.now();
		List<FlightEvent> events = new ArrayList<>();
		for (SimulatedJob job : this.jobs.values()) {
			events.add(new FlightEvent(job.submittedAt(), 1));
			Instant leaves = job.leavesFlightAt();
			if (leaves != null && !leaves.isAfter(now)) {
				events.add(new FlightEvent(leaves, -1));
			}
		}
		// A job leaving at the very instant another arrives never overlaps it.
		events.sort(Comparator.comparing(FlightEvent::at).thenComparingInt(FlightEvent::change));
		int current = 0;
		int peak = 0;
		for (FlightEvent event : events) {
			current += event.change();
			peak = Math.max(peak, current);
		}
		return peak;
	}

	/**
	 * Counts over every submit so far, for runs that check that no job was sent twice.
	 * Each job of such a run carries a prompt of its own, so two submits with one body
	 * are one job sent twice; a body first answered 5xx or 429 (nothing created) and then
	 * accepted is a legitimate resend and counts only in {@code duplicateBodies}.
	 */
	SimulatorStats stats() {
		Set<String> bodies = new HashSet<>();
		Set<String> acceptedBodies = new HashSet<>();
		int accepted = 0;
		int duplicateBodies = 0;
		int duplicateAccepted = 0;
		for (RecordedSubmission submission : this.submissions) {
			if (!bodies.add(submission.body())) {
				duplicateBodies++;
			}
			if (submission.accepted()) {
				accepted++;
				if (!acceptedBodies.add(submission.body())) {
					duplicateAccepted++;
				}
			}
		}
		return new SimulatorStats(this.submissions.size(), accepted, duplicateBodies, duplicateAccepted, jobCount(),
				peakInFlight());
	}

	/**
	 * Forgets all jobs and submits, restores the started-with rates and delays, and
	 * restarts the random draws from the same seed.
	 */
	public void reset() {
		this.jobs.clear();
		this.submissions.clear();
		applySettings();
	}

	public void setQueueDelay(Duration queueDelay) {
		this.queueDelay = nonNegative(queueDelay);
	}

	public void setRunDelay(Duration runDelay) {
		this.runDelay = nonNegative(runDelay);
	}

	public void setSlowDelay(Duration slowDelay) {
		this.slowDelay = nonNegative(slowDelay);
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = nonNegative(retryAfter);
	}

	public void setErrorRate(double rate) {
		this.errorRate = rate(rate);
	}

	public void setRateLimitRate(double rate) {
		this.rateLimitRate = rate(rate);
	}

	public void setHttp200ErrorRate(double rate) {
		this.http200ErrorRate = rate(rate);
	}

	public void setSlowRate(double rate) {
		this.slowRate = rate(rate);
	}

	public void setNeverFinishRate(double rate) {
		this.neverFinishRate = rate(rate);
	}

	public void setFailRate(double rate) {
		this.failRate = rate(rate);
	}

	public void setUnknownStatusRate(double rate) {
		this.unknownStatusRate = rate(rate);
	}

	private void applySettings() {
		this.random = new Random(this.seed);
		this.queueDelay = nonNegative(this.settings.queueDelay());
		this.runDelay = nonNegative(this.settings.runDelay());
		this.slowDelay = nonNegative(this.settings.slowDelay());
		this.retryAfter = nonNegative(this.settings.retryAfter());
		this.errorRate = rate(this.settings.errorRate());
		this.rateLimitRate = rate(this.settings.rateLimitRate());
		this.http200ErrorRate = rate(this.settings.http200ErrorRate());
		this.slowRate = rate(this.settings.slowRate());
		this.neverFinishRate = rate(this.settings.neverFinishRate());
		this.failRate = rate(this.settings.failRate());
		this.unknownStatusRate = rate(this.settings.unknownStatusRate());
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = rawPath(request.uri());
		String method = request.method().name();
		if (method.equals("GET") && path.startsWith(OUTPUTS_PATH)) {
			return output(path.substring(OUTPUTS_PATH.length()), response);
		}
		if (method.equals("GET") && path.equals(SAMPLE_INPUT_PATH)) {
			return sampleInput(response);
		}
		if (method.equals("GET") && path.equals(STATS_PATH)) {
			return send(response, ok(statsJson(stats())));
		}
		HttpHeaders headers = new HttpHeaders();
		request.requestHeaders().forEach((header) -> headers.add(header.getKey(), header.getValue()));
		return request.receive()
			.aggregate()
			.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.map((body) -> answer(method, path, headers, body))
			.flatMap((answer) -> answer.delay().isZero() ? send(response, answer)
					: Mono.delay(answer.delay()).then(Mono.defer(() -> send(response, answer))))
			// A late answer to a client that gave up has nowhere to go; that is expected.
			.onErrorResume((ex) -> Mono.empty());
	}

	private Answer answer(String method, String path, HttpHeaders headers, String body) {
		Duration delay = chance(this.slowRate) ? this.slowDelay : Duration.ZERO;
		boolean submit = method.equals("POST") && path.startsWith(MODELS_PATH);
		Answer answer = route(method, path, headers, body, submit);
		if (submit) {
			this.submissions.add(new RecordedSubmission(path.substring(MODELS_PATH.length()), body,
					HttpHeaders.readOnlyHttpHeaders(headers), answer.status(), answer.createdRequestId()));
		}
		return answer.delayedBy(delay);
	}

	private Answer route(String method, String path, HttpHeaders headers, String body, boolean submit) {
		if (chance(this.errorRate)) {
			return error(500, SERVER_ERROR, "Simulated internal error");
		}
		if (chance(this.rateLimitRate)) {
			return error(429, RATE_LIMITED, "Simulated rate limit: too many requests")
				.withHeader(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfter.toSeconds()));
		}
		if (!("Bearer " + this.settings.token()).equals(headers.getFirst(HttpHeaders.AUTHORIZATION))) {
			return error(401, BAD_TOKEN, "Invalid or expired API token");
		}
		if (chance(this.http200ErrorRate)) {
			return error(200, ERROR_WITH_200, "Simulated error answered with HTTP 200");
		}
		Instant now = Instant.now();
		if (submit) {
			return submit(path.substring(MODELS_PATH.length()), body, now);
		}
		Matcher request = REQUEST_PATH.matcher(path);
		if (!request.matches()) {
			return error(404, NO_SUCH_ENDPOINT, "No such endpoint: " + method + " " + path);
		}
		String action = request.group(2);
		if (!method.equals(action.equals("cancel") ? "POST" : "GET")) {
			return error(404, NO_SUCH_ENDPOINT, "No such endpoint: " + method + " " + path);
		}
		SimulatedJob job = this.jobs.get(request.group(1));
		if (job == null) {
			return error(404, UNKNOWN_REQUEST, "Request " + request.group(1) + " was not found or has expired");
		}
		return switch (action) {
			case "status" -> status(job, now);
			case "result" -> result(job, now);
			default -> cancel(job, now);
		};
	}

	private Answer submit(String modelId, String body, Instant now) {
		if (!knowsModel(modelId)) {
			return error(400, UNKNOWN_MODEL, "Unknown model id: " + modelId);
		}
		if (!isJsonObject(body)) {
			return error(400, BAD_REQUEST, "The request body must be a JSON object");
		}
		String id = new UUID(this.random.nextLong(), this.random.nextLong()).toString();
		Fate fate = chance(this.neverFinishRate) ? Fate.NEVER_FINISH : chance(this.failRate) ? Fate.FAIL : Fate.SUCCEED;
		this.jobs.put(id,
				new SimulatedJob(id, this.sequence.incrementAndGet(), now, this.queueDelay, this.runDelay, fate));
		ObjectNode answer = this.json.createObjectNode();
		answer.put("request_id", id);
		answer.put("status_url", requestUrl(id, "status"));
		answer.put("result_url", requestUrl(id, "result"));
		answer.put("cancel_url", requestUrl(id, "cancel"));
		return new Answer(200, write(answer), Map.of(), id, Duration.ZERO);
	}

	private ObjectNode statsJson(SimulatorStats stats) {
		ObjectNode answer = this.json.createObjectNode();
		answer.put("submits", stats.submits());
		answer.put("accepted", stats.accepted());
		answer.put("duplicate_bodies", stats.duplicateBodies());
		answer.put("duplicate_accepted", stats.duplicateAccepted());
		answer.put("jobs", stats.jobs());
		answer.put("peak_in_flight", stats.peakInFlight());
		return answer;
	}

	private Answer status(SimulatedJob job, Instant now) {
		Phase phase = job.phase(now);
		ObjectNode answer = this.json.createObjectNode();
		answer.put("request_id", job.id());
		answer.put("status", chance(this.unknownStatusRate) ? undocumentedStatus(job, phase) : status(phase));
		if (phase == Phase.QUEUED) {
			answer.put("queue_position", queuePosition(job, now));
		}
		answer.put("status_url", requestUrl(job.id(), "status"));
		answer.put("result_url", requestUrl(job.id(), "result"));
		return ok(answer);
	}

	private Answer result(SimulatedJob job, Instant now) {
		Phase phase = job.phase(now);
		boolean done = phase == Phase.DONE;
		ObjectNode answer = this.json.createObjectNode();
		answer.put("request_id", job.id());
		answer.put("status", status(phase));
		if (done && job.fate() == Fate.SUCCEED) {
			answer.putObject("output").put("video", this.baseUrl + OUTPUTS_PATH + job.id() + ".mp4");
		}
		else {
			answer.putNull("output");
		}
		answer.put("created_at", timestamp(job.submittedAt()));
		Instant finishedAt = job.finishedAt(now);
		if (finishedAt != null) {
			answer.put("finished_at", timestamp(finishedAt));
		}
		else {
			answer.putNull("finished_at");
		}
		if (done && job.fate() == Fate.FAIL) {
			answer.put("error", FAILURE_MESSAGE);
		}
		else {
			answer.putNull("error");
		}
		return ok(answer);
	}

	private Answer cancel(SimulatedJob job, Instant now) {
		boolean cancelled = job.cancel(now);
		ObjectNode answer = this.json.createObjectNode();
		answer.put("request_id", job.id());
		answer.put("status", status(job.phase(now)));
		answer.put("outcome", cancelled ? "cancelled" : "not_cancellable");
		return ok(answer);
	}

	private Mono<Void> output(String file, HttpServerResponse response) {
		String id = file.endsWith(".mp4") ? file.substring(0, file.length() - 4) : file;
		SimulatedJob job = this.jobs.get(id);
		if (job == null || job.phase(Instant.now()) != Phase.DONE || job.fate() != Fate.SUCCEED) {
			return send(response, error(404, NO_SUCH_ENDPOINT, "No such output: " + file));
		}
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaders.CONTENT_TYPE, "video/mp4")
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(SAMPLE_VIDEO.length))
			.sendByteArray(Mono.just(SAMPLE_VIDEO))
			.then();
	}

	private Mono<Void> sampleInput(HttpServerResponse response) {
		byte[] image = SampleImage.JPEG.get();
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaders.CONTENT_TYPE, "image/jpeg")
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(image.length))
			.sendByteArray(Mono.just(image))
			.then();
	}

	private Mono<Void> send(HttpServerResponse response, Answer answer) {
		byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
		response.status(answer.status())
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
		answer.headers().forEach(response::header);
		return response.sendByteArray(Mono.just(body)).then();
	}

	private int queuePosition(SimulatedJob job, Instant now) {
		int ahead = 0;
		for (SimulatedJob other : this.jobs.values()) {
			if (other.sequence() < job.sequence() && other.phase(now) == Phase.QUEUED) {
				ahead++;
			}
		}
		return ahead;
	}

	private static String status(Phase phase) {
		return switch (phase) {
			case QUEUED -> "in_queue";
			case RUNNING -> "in_progress";
			case DONE -> "completed";
			case CANCELLED -> "cancelled";
		};
	}

	// The values RunComfy's own clients meet besides the documented ones (DESIGN), each
	// meaning the same state as the documented value it replaces.
	private String undocumentedStatus(SimulatedJob job, Phase phase) {
		boolean first = this.random.nextBoolean();
		return switch (phase) {
			case QUEUED -> first ? "pending" : "waiting";
			case RUNNING -> first ? "starting" : "processing";
			case DONE -> (job.fate() == Fate.FAIL) ? "failed" : "succeeded";
			case CANCELLED -> "cancelled";
		};
	}

	private boolean knowsModel(String modelId) {
		List<String> models = this.settings.models();
		return models.isEmpty() ? ANY_MODEL.matcher(modelId).matches() : models.contains(modelId);
	}

	private boolean isJsonObject(String body) {
		try {
			return this.json.readTree(body).isObject();
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	private boolean chance(double rate) {
		return rate > 0 && (rate >= 1 || this.random.nextDouble() < rate);
	}

	private String requestUrl(String id, String action) {
		return this.baseUrl + "/v1/requests/" + id + "/" + action;
	}

	private Answer ok(JsonNode body) {
		return new Answer(200, write(body), Map.of(), null, Duration.ZERO);
	}

	private Answer error(int status, long code, String message) {
		ObjectNode body = this.json.createObjectNode();
		body.put("error_code", code);
		body.put("message", message);
		return new Answer(status, write(body), Map.of(), null, Duration.ZERO);
	}

	private String write(JsonNode node) {
		return this.json.writeValueAsString(node);
	}

	private static String timestamp(Instant instant) {
		return instant.truncatedTo(ChronoUnit.MILLIS).toString();
	}

	private static String rawPath(String uri) {
		int query = uri.indexOf('?');
		return (query >= 0) ? uri.substring(0, query) : uri;
	}

	private static double rate(double rate) {
		if (!(rate >= 0 && rate <= 1)) {
			throw new IllegalArgumentException("A rate is a chance between 0 and 1, not " + rate);
		}
		return rate;
	}

	private static Duration nonNegative(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("A delay cannot be negative: " + duration);
		}
		return duration;
	}

	private record Answer(int status, String body, Map<String, String> headers, @Nullable String createdRequestId,
			Duration delay) {

		Answer withHeader(String name, String value) {
			Map<String, String> more = new LinkedHashMap<>(this.headers);
			more.put(name, value);
			return new Answer(this.status, this.body, Map.copyOf(more), this.createdRequestId, this.delay);
		}

		Answer delayedBy(Duration delay) {
			return new Answer(this.status, this.body, this.headers, this.createdRequestId, delay);
		}

	}

	private record FlightEvent(Instant at, int change) {
	}

}
