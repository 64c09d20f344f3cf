package io.genjobs.gateway.job;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.InvalidParameterException;
import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code /jobs}. Methods are blocking: with virtual threads enabled, WebFlux runs them on
 * virtual threads, never on the event loop.
 */
@RestController
@Tag(name = "jobs")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class JobController {

	private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

	private static final String NOT_FOUND = "No such job for this team (`job-not-found`)";

	private static final String PREFER = "Prefer";

	private final JobService jobs;

	private final JobWaits waits;

	JobController(JobService jobs, JobWaits waits) {
		this.jobs = jobs;
		this.waits = waits;
	}

	@Operation(operationId = "createJob", summary = "Submit a job",
			parameters = @Parameter(name = "Prefer", in = ParameterIn.HEADER,
					description = "`wait=N` (RFC 7240, N ≤ 60): answer once the job is terminal or N seconds passed",
					schema = @Schema(type = "string", example = "wait=60")))
	@ApiResponse(responseCode = "202", description = "Accepted: the job, queued (Location: /jobs/{id})")
	@ApiResponse(responseCode = "200",
			description = "The original job: a repeated Idempotency-Key with the same body (Idempotent-Replayed: true)")
	@ApiResponse(responseCode = "400",
			description = "Malformed JSON, Idempotency-Key or Cancel-After, or both Cancel-After and `deadline`")
	@ApiResponse(responseCode = "402",
			description = "`budget-exceeded`: the job's estimate does not fit the team's monthly budget; "
					+ "`budget_usd`, `spent_usd`, `reserved_usd` and `estimated_usd` give the figures")
	@ApiResponse(responseCode = "409",
			description = "Idempotency-Key reused with another body (`idempotency-key-reused`)")
	@ApiResponse(responseCode = "413", description = "Body too large")
	@ApiResponse(responseCode = "415", description = "Not application/json")
	@ApiResponse(responseCode = "422", description = "Validation failed: `errors` names every failed field")
	@ApiResponse(responseCode = "429", description = "`rate-limited` or `queue-full`, with Retry-After")
	@ApiResponse(responseCode = "503", description = "Database or RunComfy unavailable, with Retry-After")
	@PostMapping(path = "/jobs", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<JobView> create(TeamPrincipal team,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@Parameter(
					description = "Seconds from now after which the job, if it has not started, is cancelled "
							+ "(`deadline_exceeded`): another way to give `deadline`; not both",
					schema = @Schema(type = "integer", minimum = "1", maximum = "604800")) @RequestHeader(
							name = "Cancel-After", required = false) String cancelAfter,
			@Parameter(hidden = true) @RequestHeader HttpHeaders headers,
			@RequestBody @Schema(implementation = JobRequest.class) JsonNode body) {
		JobService.Accepted accepted = this.jobs.accept(team, body, checkIdempotencyKey(idempotencyKey), cancelAfter);
		JobView job = accepted.job();
		ResponseEntity.BodyBuilder response = ResponseEntity
			.status(accepted.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
			.location(URI.create("/jobs/" + job.id()))
			.header("Idempotent-Replayed", Boolean.toString(!accepted.created()));
		return waitIfPreferred(team, job, headers, response);
	}

	@Operation(operationId = "getJob", summary = "Get a job",
			description = "With `Prefer: wait=N` (N ≤ 60 seconds) the answer comes once the job is terminal "
					+ "or N seconds passed, with `Preference-Applied: wait=N`. POST /jobs takes it too",
			parameters = @Parameter(name = "Prefer", in = ParameterIn.HEADER,
					description = "`wait=N` (RFC 7240, N ≤ 60): answer once the job is terminal or N seconds passed",
					schema = @Schema(type = "string", example = "wait=60")))
	@ApiResponse(responseCode = "200", description = "The job")
	@ApiResponse(responseCode = "404", description = NOT_FOUND)
	@ApiResponse(responseCode = "429", description = "`too-many-watchers`: too many waits and event streams open")
	@GetMapping("/jobs/{id}")
	ResponseEntity<JobView> get(TeamPrincipal team, @PathVariable String id,
			@Parameter(hidden = true) @RequestHeader HttpHeaders headers) {
		JobView job = this.jobs.get(team, jobId(id));
		return waitIfPreferred(team, job, headers, ResponseEntity.ok());
	}

	/**
	 * Answers the job, after waiting for it to finish when the client prefers
	 * ({@link PreferWait}). The answer varies with {@code Prefer} whether or not it
	 * waited.
	 */
	private ResponseEntity<JobView> waitIfPreferred(TeamPrincipal team, JobView job, HttpHeaders headers,
			ResponseEntity.BodyBuilder response) {
		response.varyBy(PREFER);
		Optional<Duration> wait = PreferWait.of(headers.get(PREFER));
		if (wait.isEmpty()) {
			return response.body(job);
		}
		JobView answer = job.status().isTerminal() ? job : this.waits.awaitTerminal(team, job.id(), wait.get());
		return response.header(PreferWait.APPLIED, PreferWait.applied(wait.get())).body(answer);
	}

	@Operation(operationId = "cancelJob", summary = "Cancel a job")
	@ApiResponse(responseCode = "200",
			description = "The job, cancelled (202: the cancel is recorded and happens once a submit under way resolves)")
	@ApiResponse(responseCode = "404", description = NOT_FOUND)
	@ApiResponse(responseCode = "409",
			description = "Running or finished: it can no longer be cancelled (`not-cancellable`)")
	@ApiResponse(responseCode = "503", description = "RunComfy could not be asked (`upstream-unavailable`)")
	@PostMapping("/jobs/{id}/cancel")
	ResponseEntity<JobView> cancel(TeamPrincipal team, @PathVariable String id) {
		JobService.Cancellation cancellation = this.jobs.cancel(team, jobId(id));
		return ResponseEntity.status(cancellation.pending() ? HttpStatus.ACCEPTED : HttpStatus.OK)
			.body(cancellation.job());
	}

	@Operation(operationId = "getJobHistory", summary = "A job's state changes, oldest first")
	@ApiResponse(responseCode = "200", description = "The transitions")
	@ApiResponse(responseCode = "404", description = NOT_FOUND)
	@GetMapping("/jobs/{id}/history")
	List<JobService.TransitionView> history(TeamPrincipal team, @PathVariable String id) {
		return this.jobs.history(team, jobId(id));
	}

	@Operation(operationId = "listJobs", summary = "List the team's jobs, newest first")
	@ApiResponse(responseCode = "200", description = "A page: `data` and `next_cursor` (null on the last page)")
	@ApiResponse(responseCode = "400", description = "Bad status, model, limit or cursor (`invalid-parameter`)")
	@GetMapping("/jobs")
	JobPage list(TeamPrincipal team, @RequestParam(required = false) String status,
			@RequestParam(required = false) String model, @RequestParam(required = false) String limit,
			@RequestParam(required = false) String cursor) {
		JobStatus statusFilter = null;
		if (status != null) {
			statusFilter = JobStatus.fromWireName(status);
			if (statusFilter == null) {
				throw new InvalidParameterException("status",
						"must be one of queued, submitted, running, succeeded, failed, cancelled");
			}
		}
		return this.jobs.list(team, statusFilter, model, cursor, RequestParameters.limit(limit));
	}

	private static String checkIdempotencyKey(String key) {
		if (key == null) {
			return null;
		}
		boolean printable = key.chars().allMatch((c) -> c >= 0x20 && c < 0x7f);
		if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !printable) {
			throw new InvalidParameterException("Idempotency-Key",
					"must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters");
		}
		return key;
	}

	/** Ids that are not UUIDs cannot name a job: answered like any unknown id. */
	private static UUID jobId(String id) {
		return RequestParameters.id(id, JobNotFoundException::forId);
	}

	/**
	 * The body of {@code POST /jobs} as the API documents it. The controller reads the
	 * body as a JSON tree instead ({@link JobRequests}), so that one answer names every
	 * bad member at once.
	 */
	@Schema(description = "A job to run. Unknown members are refused.",
			additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
	record JobRequest(
			@Schema(description = "A model id from GET /models (default: the configured default model)") String model,
			@Schema(type = "object", requiredMode = Schema.RequiredMode.REQUIRED,
					description = "The model's input exactly as RunComfy takes it; see the model's input_schema") Object input,
			@Schema(description = "Also receives this job's events") URI webhookUrl,
			@ArraySchema(schema = @Schema(implementation = JobEventType.class)) List<JobEventType> webhookEvents,
			@Schema(type = "object", description = "Any JSON object up to 4 KiB, echoed back") Object metadata,
			@Schema(description = "Default normal") JobPriority priority,
			@Schema(description = "RFC 3339 with an offset, in the future (at most 7 days by default): a job that has "
					+ "not started by then is cancelled with error code deadline_exceeded; one RunComfy is "
					+ "rendering is left to finish, with a warning") OffsetDateTime deadline) {
	}

}
