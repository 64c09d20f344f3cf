package io.genjobs.gateway.job;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A job reached a terminal state, with what it cost. Published inside the transaction of
 * that transition, like {@link JobTransitioned}.
 *
 * @param jobId the job
 * @param teamId the job's team
 * @param model the job's model
 * @param costUsd the cost to book, {@code null} for none (a job never sent to RunComfy)
 * @param source {@code runcomfy} or {@code estimate}, {@code null} with no cost
 * @param at when the job ended
 */
record JobSettled(UUID jobId, UUID teamId, String model, BigDecimal costUsd, String source, Instant at) {
}
