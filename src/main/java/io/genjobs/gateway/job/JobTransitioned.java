package io.genjobs.gateway.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A job changed state. Published (synchronously, inside the transaction that made the
 * change) when the job is saved; listeners record history and, later, outbox events in
 * that same transaction.
 *
 * @param jobId the job
 * @param teamId the job's team
 * @param model the job's model
 * @param from the previous state, {@code null} when the job was just created
 * @param to the new state
 * @param sequence the job's sequence after the change
 * @param reason why, in a few words, or {@code null}
 * @param at when
 */
public record JobTransitioned(UUID jobId, UUID teamId, String model, JobStatus from, JobStatus to, int sequence,
		String reason, Instant at) {
}
