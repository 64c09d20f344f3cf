package io.genjobs.gateway.upstream.simulator;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.DataUriSummaries;
import io.genjobs.gateway.spend.CostEstimator;

import org.springframework.http.HttpHeaders;

import io.genjobs.gateway.upstream.simulator.SimulatedJob.Fate;
import io.genjobs.gateway.upstream.simulator.SimulatedJob.Phase;

import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.BAD_REQUEST;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.BAD_TOKEN;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.ERROR_WITH_200;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.FAILURE_MESSAGE;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.INSUFFICIENT_BALANCE;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.NOT_DONE;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.NO_SUCH_ENDPOINT;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.RATE_LIMITED;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.SERVER_ERROR;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.UNKNOWN_MODEL;
import static io.genjobs.gateway.upstream.simulator.RunComfySimulator.UNKNOWN_REQUEST;

/**
 * RunComfy's endpoints (submit, status, result, cancel, and the catalog's list and entry)
 * as the simulator answers them: faults are drawn first (5xx, 429, then the token check,
 * then, for a submit, the insufficient-balance switch, then an error answered with 200),
 * then the call is routed; every submit is recorded, whatever it was answered. A job
 * completes with an output of its model's kind ({@link SimulatorCatalog#outputKind}).
 */
final class RunComfyApi {

	/** The longest submit body the simulator keeps as it came. */
	static final int MAX_RECORDED_BODY = 1024 * 1024;

	private static final String MODELS_PATH = "/v1/models/";

	private static final Pattern REQUEST_PATH = Pattern.compile("/v1/requests/([^/]+)/(status|result|cancel)");

	private static final Pattern ANY_MODEL = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+");

	private final JsonMapper json = JsonMapper.builder().build();

	private final SimulatorSettings settings;

	private final SimulatorFaults faults;

	private final SimulatorJobs jobs;

	private final SimulatorCatalog catalog;

	// Known only once the server is bound (port 0 picks one).
	private final Supplier<String> baseUrl;

	RunComfyApi(SimulatorSettings settings, SimulatorFaults faults, SimulatorJobs jobs, SimulatorCatalog catalog,
			Supplier<String> baseUrl) {
		this.settings = settings;
		this.catalog = catalog;
		this.faults = faults;
		this.jobs = jobs;
		this.baseUrl = baseUrl;
	}

	SimulatorAnswer answer(String method, String path, HttpHeaders headers, String body) {
		return answer(method, path, "", headers, body);
	}

	SimulatorAnswer answer(String method, String path, String query, HttpHeaders headers, String body) {
		Duration delay = this.faults.answerDelay();
		boolean submit = method.equals("POST") && path.startsWith(MODELS_PATH);
		SimulatorAnswer answer = route(method, path, query, headers, body, submit);
		if (submit) {
			this.jobs.record(new RecordedSubmission(path.substring(MODELS_PATH.length()), recorded(body),
					HttpHeaders.readOnlyHttpHeaders(headers), answer.status(), answer.createdRequestId()));
		}
		return answer.delayedBy(delay);
	}

	/**
	 * What is kept of a submit's body: all of it up to {@value #MAX_RECORDED_BODY}
	 * characters, beyond that with its large {@code data:} URIs in their short form, so a
	 * long run of large submits does not fill the heap.
	 */
	private static String recorded(String body) {
		return (body.length() <= MAX_RECORDED_BODY) ? body : DataUriSummaries.summarizeJson(body);
	}

	private SimulatorAnswer route(String method, String path, String query, HttpHeaders headers, String body,
			boolean submit) {
		if (this.faults.serverError()) {
			return SimulatorAnswer.error(500, SERVER_ERROR, "Simulated internal error");
		}
		if (this.faults.rateLimited()) {
			return SimulatorAnswer.error(429, RATE_LIMITED, "Simulated rate limit: too many requests")
				.withHeader(HttpHeaders.RETRY_AFTER, Long.toString(this.faults.retryAfter().toSeconds()));
		}
		if (!("Bearer " + this.settings.token()).equals(headers.getFirst(HttpHeaders.AUTHORIZATION))) {
			return SimulatorAnswer.error(401, BAD_TOKEN, "Invalid or expired API token");
		}
		if (submit && this.faults.insufficientBalance()) {
			return SimulatorAnswer.error(402, INSUFFICIENT_BALANCE,
					"Insufficient balance: top up your RunComfy account to run this model");
		}
		if (this.faults.errorWith200()) {
			return SimulatorAnswer.error(200, ERROR_WITH_200, "Simulated error answered with HTTP 200");
		}
		Instant now = Instant.now();
		if (submit) {
			return submit(path.substring(MODELS_PATH.length()), body, now);
		}
		if (method.equals("GET") && path.equals("/v1/models")) {
			return SimulatorAnswer.ok(this.catalog.page(queryInt(query, "limit", 50), queryInt(query, "offset", 0)));
		}
		if (method.equals("GET") && path.startsWith(MODELS_PATH)) {
			ObjectNode entry = this.catalog.find(path.substring(MODELS_PATH.length()));
			return (entry != null) ? SimulatorAnswer.ok(entry.deepCopy()) : SimulatorAnswer.error(404, UNKNOWN_MODEL,
					"Unknown model id: " + path.substring(MODELS_PATH.length()));
		}
		Matcher request = REQUEST_PATH.matcher(path);
		if (!request.matches()) {
			return SimulatorAnswer.error(404, NO_SUCH_ENDPOINT, "No such endpoint: " + method + " " + path);
		}
		String action = request.group(2);
		if (!method.equals(action.equals("cancel") ? "POST" : "GET")) {
			return SimulatorAnswer.error(404, NO_SUCH_ENDPOINT, "No such endpoint: " + method + " " + path);
		}
		SimulatedJob job = this.jobs.find(request.group(1));
		if (job == null) {
			return SimulatorAnswer.error(404, UNKNOWN_REQUEST,
					"Request " + request.group(1) + " was not found or has expired");
		}
		this.jobs.counted(action);
		return switch (action) {
			case "status" -> status(job, now);
			case "result" -> (this.settings.resultErrorsBeforeCompletion() && job.finishedAt(now) == null)
					? SimulatorAnswer.error(400, NOT_DONE, "Request " + job.id() + " is not completed yet")
					: result(job, now, "true".equals(queryString(query, "include_cost")));
			default -> cancel(job, now);
		};
	}

	private SimulatorAnswer submit(String modelId, String body, Instant now) {
		if (!knowsModel(modelId)) {
			return SimulatorAnswer.error(400, UNKNOWN_MODEL, "Unknown model id: " + modelId);
		}
		if (!isJsonObject(body)) {
			return SimulatorAnswer.error(400, BAD_REQUEST, "The request body must be a JSON object");
		}
		String id = this.faults.requestId();
		Fate fate = this.faults.fate();
		this.jobs.create(id, now, this.faults.queueDelay(), this.faults.runDelay(), fate, output(modelId, body));
		ObjectNode answer = SimulatorAnswer.object();
		answer.put("request_id", id);
		answer.put("status_url", requestUrl(id, "status"));
		answer.put("result_url", requestUrl(id, "result"));
		answer.put("cancel_url", requestUrl(id, "cancel"));
		return SimulatorAnswer.created(answer, id);
	}

	private SimulatorAnswer status(SimulatedJob job, Instant now) {
		Phase phase = job.phase(now);
		ObjectNode answer = SimulatorAnswer.object();
		answer.put("request_id", job.id());
		answer.put("status", this.faults.undocumentedStatus() ? undocumentedStatus(job, phase) : status(phase));
		if (phase == Phase.QUEUED) {
			answer.put("queue_position", this.jobs.queuePosition(job, now));
		}
		answer.put("status_url", requestUrl(job.id(), "status"));
		answer.put("result_url", requestUrl(job.id(), "result"));
		return SimulatorAnswer.ok(answer);
	}

	private SimulatorAnswer result(SimulatedJob job, Instant now, boolean includeCost) {
		Phase phase = job.phase(now);
		boolean done = phase == Phase.DONE;
		ObjectNode answer = SimulatorAnswer.object();
		answer.put("request_id", job.id());
		answer.put("status", status(phase));
		if (done && job.fate() == Fate.SUCCEED) {
			answer.set("output", output(job));
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
		if (includeCost && done && job.fate() == Fate.SUCCEED && job.output().cost() != null) {
			answer.put("cost", job.output().cost());
		}
		return SimulatorAnswer.ok(answer);
	}

	private SimulatorAnswer cancel(SimulatedJob job, Instant now) {
		boolean cancelled = job.cancel(now);
		ObjectNode answer = SimulatorAnswer.object();
		answer.put("request_id", job.id());
		answer.put("status", status(job.phase(now)));
		answer.put("outcome", cancelled ? "cancelled" : "not_cancellable");
		return SimulatorAnswer.ok(answer);
	}

	private static String status(Phase phase) {
		return switch (phase) {
			case QUEUED -> "in_queue";
			case RUNNING -> "in_progress";
			case DONE -> "completed";
			case CANCELLED -> "cancelled";
		};
	}

	// The values RunComfy's own clients meet besides the documented ones (README,
	// "Forwarding to RunComfy"), each meaning the same state as the documented value it
	// replaces.
	private String undocumentedStatus(SimulatedJob job, Phase phase) {
		boolean first = this.faults.coinFlip();
		return switch (phase) {
			case QUEUED -> first ? "pending" : "waiting";
			case RUNNING -> first ? "starting" : "processing";
			case DONE -> (job.fate() == Fate.FAIL) ? "failed" : "succeeded";
			case CANCELLED -> "cancelled";
		};
	}

	/**
	 * What a job of the model makes: its kind, and for images as many as the input's
	 * {@code num_images} (or {@code num_outputs}, or {@code n}) asks, 1 to 4.
	 */
	private SimulatedJob.Output output(String modelId, String body) {
		SimulatorCatalog.OutputKind kind = this.catalog.outputKind(modelId);
		int count = 1;
		if (kind == SimulatorCatalog.OutputKind.IMAGE) {
			try {
				var input = this.json.readTree(body);
				for (String field : List.of("num_images", "num_outputs", "n")) {
					if (input.path(field).canConvertToInt()) {
						count = Math.max(1, Math.min(4, input.get(field).intValue()));
						break;
					}
				}
			}
			catch (JacksonException ex) {
				// an unreadable body gets one image (it is refused before a job exists)
			}
		}
		return new SimulatedJob.Output(kind, count, cost(modelId, body));
	}

	/**
	 * RunComfy's output object for the job's kind: {@code video}, {@code images} or
	 * {@code audio}, with URLs the simulator serves.
	 */
	private ObjectNode output(SimulatedJob job) {
		ObjectNode output = SimulatorAnswer.object();
		String base = this.baseUrl.get();
		switch (job.output().kind()) {
			case IMAGE -> {
				var images = output.putArray("images");
				for (int i = 0; i < job.output().count(); i++) {
					images.add(SimulatorDownloads.outputUrl(base, job, i));
				}
			}
			case AUDIO -> output.put("audio", SimulatorDownloads.outputUrl(base, job, 0));
			case VIDEO -> output.put("video", SimulatorDownloads.outputUrl(base, job, 0));
		}
		return output;
	}

	/**
	 * What a job of the model costs: its catalog price applied to the input the way the
	 * gateway estimates it; {@code null} for a model the catalog does not price.
	 */
	private @Nullable BigDecimal cost(String modelId, String body) {
		ObjectNode entry = this.catalog.find(modelId);
		if (entry == null || !entry.path("base_price_usd").isNumber()) {
			return null;
		}
		try {
			return CostEstimator.estimate(entry.get("base_price_usd").decimalValue(),
					entry.path("price_unit").asString(null), entry.get("input_schema"), this.json.readTree(body));
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static @Nullable String queryString(String query, String name) {
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0 && pair.substring(0, equals).equals(name)) {
				return pair.substring(equals + 1);
			}
		}
		return null;
	}

	private static int queryInt(String query, String name, int fallback) {
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0 && pair.substring(0, equals).equals(name)) {
				try {
					return Integer.parseInt(pair.substring(equals + 1));
				}
				catch (NumberFormatException ex) {
					return fallback;
				}
			}
		}
		return fallback;
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

	private String requestUrl(String id, String action) {
		return this.baseUrl.get() + "/v1/requests/" + id + "/" + action;
	}

	private static String timestamp(Instant instant) {
		return instant.truncatedTo(ChronoUnit.MILLIS).toString();
	}

}
