package io.genjobs.gateway.job;

import io.genjobs.gateway.common.web.InvalidParameterException;
import java.net.URI;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

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

import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code /jobs}. Methods are blocking: with virtual threads enabled, WebFlux runs them on
 * virtual threads, never on the event loop.
 */
@RestController
class JobController {

	static final int DEFAULT_PAGE_SIZE = 20;

	static final int MAX_PAGE_SIZE = 100;

	private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

	private final JobService jobs;

	JobController(JobService jobs) {
		this.jobs = jobs;
	}

	@PostMapping(path = "/jobs", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<JobView> create(TeamPrincipal team,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@RequestBody JsonNode body) {
		JobService.Accepted accepted = this.jobs.accept(team, body, checkIdempotencyKey(idempotencyKey));
		JobView job = accepted.job();
		return ResponseEntity.status(accepted.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
			.location(URI.create("/jobs/" + job.id()))
			.header("Idempotent-Replayed", Boolean.toString(!accepted.created()))
			.body(job);
	}

	@GetMapping("/jobs/{id}")
	JobView get(TeamPrincipal team, @PathVariable String id) {
		return this.jobs.get(team, parseId(id));
	}

	@PostMapping("/jobs/{id}/cancel")
	ResponseEntity<JobView> cancel(TeamPrincipal team, @PathVariable String id) {
		JobService.Cancellation cancellation = this.jobs.cancel(team, parseId(id));
		return ResponseEntity.status(cancellation.pending() ? HttpStatus.ACCEPTED : HttpStatus.OK)
			.body(cancellation.job());
	}

	@GetMapping("/jobs/{id}/history")
	List<JobService.TransitionView> history(TeamPrincipal team, @PathVariable String id) {
		return this.jobs.history(team, parseId(id));
	}

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
		return this.jobs.list(team, statusFilter, model, cursor, parseLimit(limit));
	}

	private static int parseLimit(String limit) {
		if (limit == null) {
			return DEFAULT_PAGE_SIZE;
		}
		try {
			int value = Integer.parseInt(limit);
			if (value >= 1 && value <= MAX_PAGE_SIZE) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidParameterException("limit", "must be an integer from 1 to " + MAX_PAGE_SIZE);
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
	private static UUID parseId(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw JobNotFoundException.forId(id);
		}
	}

}
