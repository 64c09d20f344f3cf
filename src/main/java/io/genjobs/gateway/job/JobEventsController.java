package io.genjobs.gateway.job;

import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.InvalidParameterException;
import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code GET /jobs/{id}/events} ({@link JobStreams}). Reactive, unlike
 * {@link JobController}: a stream holds no thread while it waits; its database reads run
 * on the bounded elastic scheduler.
 */
@RestController
@Tag(name = "jobs")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class JobEventsController {

	private final JobStreams streams;

	JobEventsController(JobStreams streams) {
		this.streams = streams;
	}

	@Operation(operationId = "streamJobEvents", summary = "A job's state changes as Server-Sent Events",
			description = "One event per state change: `id` the job's sequence, `event` `job.<status>`, `data` the "
					+ "job. Starts with the current state (or, with `Last-Event-ID: n`, every change after n), "
					+ "ends after the terminal event; a `: keep-alive` comment every 15 s")
	@ApiResponse(responseCode = "200", description = "The event stream")
	@ApiResponse(responseCode = "400", description = "Last-Event-ID is not a sequence (`invalid-parameter`)")
	@ApiResponse(responseCode = "404", description = "No such job for this team (`job-not-found`)")
	@ApiResponse(responseCode = "429", description = "`too-many-watchers`: too many waits and event streams open")
	@GetMapping(path = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Mono<ResponseEntity<Flux<ServerSentEvent<JobView>>>> events(TeamPrincipal team, @PathVariable String id,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
		UUID jobId = RequestParameters.id(id, JobNotFoundException::forId);
		int after = lastSequence(lastEventId);
		return this.streams.open(team, jobId, after)
			.map((events) -> ResponseEntity.ok()
				.cacheControl(CacheControl.noStore())
				// Proxies such as nginx would otherwise hold events back.
				.header("X-Accel-Buffering", "no")
				.body(events));
	}

	private static int lastSequence(String lastEventId) {
		if (lastEventId == null || lastEventId.isBlank()) {
			return 0;
		}
		String value = lastEventId.trim();
		if (value.length() > 9 || !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new InvalidParameterException("Last-Event-ID", "must be a job sequence, a non-negative integer");
		}
		return Integer.parseInt(value);
	}

}
