package io.genjobs.gateway.upstream.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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

import org.springframework.http.HttpHeaders;

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
 * {@value #ERROR_WITH_200} (an error body answered with HTTP 200); while the balance
 * switch is on, every submit is answered HTTP 402 with {@value #INSUFFICIENT_BALANCE}.
 * <p>
 * Start one with {@link #start(SimulatorSettings)} and end it with {@link #stop()}; with
 * {@code gateway.simulator.enabled=true} the gateway does both with the application.
 * <p>
 * This class is the server and its controls; {@link RunComfyApi} answers the API calls,
 * {@link SimulatorFaults} holds the delays and fault rates and draws from the seed,
 * {@link SimulatorJobs} keeps the jobs and submits, and {@link SimulatorDownloads} serves
 * outputs and the sample image.
 */
public final class RunComfySimulator {

	public static final long BAD_REQUEST = 400000;

	public static final long UNKNOWN_MODEL = 400001;

	/** RunComfy's code for a submit refused for insufficient balance (with HTTP 402). */
	public static final long INSUFFICIENT_BALANCE = 400002;

	public static final long ERROR_WITH_200 = 400003;

	public static final long BAD_TOKEN = 400004;

	/**
	 * A result read before the request is done, with
	 * {@code result-errors-before-completion}.
	 */
	public static final long NOT_DONE = 400005;

	public static final long NO_SUCH_ENDPOINT = 404000;

	public static final long UNKNOWN_REQUEST = 404001;

	public static final long RATE_LIMITED = 429000;

	public static final long SERVER_ERROR = 500000;

	/** The {@code error} of a job that the fail rate made fail. */
	public static final String FAILURE_MESSAGE = "Simulated failure: the model could not generate a video";

	/**
	 * A 1280x720 JPEG to use as a job's input image when there is no internet to fetch
	 * one from (the README's local example points at it; the local profile allow-lists
	 * the simulator's address).
	 */
	public static final String SAMPLE_INPUT_PATH = "/samples/input.jpg";

	/**
	 * Test-only, read-only counters for the chaos scripts in {@code bench/}, which run
	 * the simulator as a process of its own and cannot call {@link #stats()}. RunComfy
	 * has no such endpoint; like everything here it listens on loopback only.
	 */
	static final String STATS_PATH = "/_simulator/stats";

	/**
	 * The balance switch on the simulator's own port (no token; RunComfy has no such
	 * endpoint): {@code POST {"insufficient": true}} makes every submit answer 402,
	 * {@code false} ends that; {@code GET} answers the switch as it stands.
	 */
	static final String BALANCE_PATH = "/_simulator/balance";

	private static final Log logger = LogFactory.getLog(RunComfySimulator.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String HOST = "127.0.0.1";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final SimulatorSettings settings;

	private final SimulatorFaults faults;

	private final SimulatorJobs jobs = new SimulatorJobs();

	private final SimulatorDownloads downloads = new SimulatorDownloads(this.jobs);

	private final SimulatorCatalog catalog;

	private final RunComfyApi api;

	private final LoopResources loops;

	private final DisposableServer server;

	private final String baseUrl;

	private RunComfySimulator(SimulatorSettings settings) {
		this.settings = settings;
		this.faults = new SimulatorFaults(settings);
		this.catalog = new SimulatorCatalog(settings.catalogLocation());
		this.api = new RunComfyApi(settings, this.faults, this.jobs, this.catalog, this::baseUrl);
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
		logger.info("RunComfy simulator listening on " + simulator.baseUrl() + " (random seed "
				+ simulator.faults.seed() + ")");
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
		return this.jobs.submissions();
	}

	/** The number of submits received so far, accepted or not. */
	public int submitCount() {
		return this.jobs.submitCount();
	}

	/** The number of jobs created so far. */
	public int jobCount() {
		return this.jobs.jobCount();
	}

	/** The jobs submitted and neither finished nor cancelled now. */
	public int inFlight() {
		return this.jobs.inFlight();
	}

	/**
	 * The most jobs that were in flight at once so far (submitted and neither finished
	 * nor cancelled), which a test compares with the gateway's in-flight cap.
	 */
	public int peakInFlight() {
		return this.jobs.peakInFlight();
	}

	/** Counts over every submit so far (see {@link SimulatorStats}). */
	SimulatorStats stats() {
		return this.jobs.stats();
	}

	/**
	 * Forgets all jobs and submits, restores the started-with rates and delays, and
	 * restarts the random draws from the same seed.
	 */
	public void reset() {
		this.jobs.clear();
		this.faults.reset();
	}

	/**
	 * Adds or replaces a catalog entry (RunComfy's shape, keyed by its {@code model_id}).
	 */
	public void putModel(tools.jackson.databind.JsonNode entry) {
		this.catalog.put(entry);
	}

	/** Removes a catalog entry: RunComfy no longer lists the model. */
	public void removeModel(String modelId) {
		this.catalog.remove(modelId);
	}

	/** A catalog entry as served now, or {@code null}. */
	public tools.jackson.databind.node.@org.jspecify.annotations.Nullable ObjectNode model(String modelId) {
		tools.jackson.databind.node.ObjectNode entry = this.catalog.find(modelId);
		return (entry != null) ? entry.deepCopy() : null;
	}

	public void setQueueDelay(Duration queueDelay) {
		this.faults.setQueueDelay(queueDelay);
	}

	public void setRunDelay(Duration runDelay) {
		this.faults.setRunDelay(runDelay);
	}

	public void setSlowDelay(Duration slowDelay) {
		this.faults.setSlowDelay(slowDelay);
	}

	public void setRetryAfter(Duration retryAfter) {
		this.faults.setRetryAfter(retryAfter);
	}

	public void setErrorRate(double rate) {
		this.faults.setErrorRate(rate);
	}

	public void setRateLimitRate(double rate) {
		this.faults.setRateLimitRate(rate);
	}

	public void setHttp200ErrorRate(double rate) {
		this.faults.setHttp200ErrorRate(rate);
	}

	public void setSlowRate(double rate) {
		this.faults.setSlowRate(rate);
	}

	public void setNeverFinishRate(double rate) {
		this.faults.setNeverFinishRate(rate);
	}

	public void setFailRate(double rate) {
		this.faults.setFailRate(rate);
	}

	/** Gives new jobs' queue and run delays a log-normal spread (0: none). */
	public void setDelaySigmas(double queueDelaySigma, double runDelaySigma) {
		this.faults.setDelaySigmas(queueDelaySigma, runDelaySigma);
	}

	/** Status and result calls answered for known requests so far. */
	public long calls(String operation) {
		return this.jobs.calls(operation);
	}

	public void setUnknownStatusRate(double rate) {
		this.faults.setUnknownStatusRate(rate);
	}

	/**
	 * Whether every submit is refused for insufficient balance (HTTP 402, error_code
	 * {@value #INSUFFICIENT_BALANCE}), as RunComfy does when the account runs dry.
	 */
	public void setInsufficientBalance(boolean insufficient) {
		this.faults.setInsufficientBalance(insufficient);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = rawPath(request.uri());
		String query = request.uri().contains("?") ? request.uri().substring(request.uri().indexOf('?') + 1) : "";
		String method = request.method().name();
		if (method.equals("GET") && path.startsWith(SimulatorDownloads.OUTPUTS_PATH)) {
			return this.downloads.output(path.substring(SimulatorDownloads.OUTPUTS_PATH.length()), response);
		}
		if (method.equals("GET") && path.equals(SAMPLE_INPUT_PATH)) {
			return this.downloads.sampleInput(response);
		}
		if (method.equals("GET") && path.equals(STATS_PATH)) {
			return SimulatorAnswer.ok(stats().toJson()).sendTo(response);
		}
		if (path.equals(BALANCE_PATH)) {
			return balance(method, request, response);
		}
		HttpHeaders headers = new HttpHeaders();
		request.requestHeaders().forEach((header) -> headers.add(header.getKey(), header.getValue()));
		return request.receive()
			.aggregate()
			.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.map((body) -> this.api.answer(method, path, query, headers, body))
			.flatMap((answer) -> answer.delay().isZero() ? answer.sendTo(response)
					: Mono.delay(answer.delay()).then(Mono.defer(() -> answer.sendTo(response))))
			// A late answer to a client that gave up has nowhere to go; that is expected.
			.onErrorResume((ex) -> Mono.empty());
	}

	/** {@link #BALANCE_PATH}: reads or sets the insufficient-balance switch. */
	private Publisher<Void> balance(String method, HttpServerRequest request, HttpServerResponse response) {
		if (method.equals("GET")) {
			return balanceAnswer().sendTo(response);
		}
		if (!method.equals("POST")) {
			return SimulatorAnswer.error(405, BAD_REQUEST, "Use GET or POST " + BALANCE_PATH).sendTo(response);
		}
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").map((body) -> {
			JsonNode insufficient;
			try {
				insufficient = JSON.readTree(body).get("insufficient");
			}
			catch (JacksonException ex) {
				insufficient = null;
			}
			if (insufficient == null || !insufficient.isBoolean()) {
				return SimulatorAnswer.error(400, BAD_REQUEST, "Send {\"insufficient\": true} or false");
			}
			setInsufficientBalance(insufficient.booleanValue());
			logger.info("RunComfy simulator: submits are " + (insufficient.booleanValue()
					? "refused for insufficient balance (402)" : "accepted again (balance restored)"));
			return balanceAnswer();
		}).flatMap((answer) -> answer.sendTo(response));
	}

	private SimulatorAnswer balanceAnswer() {
		return SimulatorAnswer.ok(SimulatorAnswer.object().put("insufficient", this.faults.insufficientBalance()));
	}

	private static String rawPath(String uri) {
		int query = uri.indexOf('?');
		return (query >= 0) ? uri.substring(0, query) : uri;
	}

}
