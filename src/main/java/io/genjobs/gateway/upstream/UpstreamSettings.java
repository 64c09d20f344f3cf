package io.genjobs.gateway.upstream;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How jobs are forwarded to RunComfy ({@code gateway.upstream.*}).
 *
 * @param enabled whether this instance dispatches and polls at all ({@code false}: it
 * only accepts and serves jobs, for example while RunComfy is down for maintenance)
 * @param rateLimitPerSecond RunComfy calls per second, all instances together
 * @param maxInFlight jobs at RunComfy at once, all instances together
 * @param pollInterval first poll after a submit, and the interval while a job runs
 * @param maxPollInterval the longest poll back-off while a job waits in RunComfy's queue
 * @param jobTimeout a job not finished this long after it was submitted fails
 * @param resendOnUnknownOutcome resend a submit whose answer never came (may run and bill
 * the job twice: RunComfy has no idempotency)
 * @param submitLease how long a claimed job is reserved for the instance submitting it
 * @param pollLease how long a job being polled is hidden from other pollers
 * @param maxSubmitAttempts submits tried (each with a few quick retries) before a job
 * fails
 * @param dispatchInterval how often an idle dispatcher and poller look for work
 * @param batchSize the most jobs one dispatcher or poller round takes
 * @param paymentRetryInterval while RunComfy refuses submits for insufficient balance,
 * how often one job (all instances together) is tried again
 * @param pollStrategy {@code learned}: one result call per poll, scheduled around each
 * model's expected finish; {@code fixed}: the reference of RunComfy's CLI, a status call
 * every {@code poll-interval} and a result call once done
 * @param pollTargetLag with {@code learned}, the poll spacing where a job is likely to
 * finish: the detection lag nearly every job stays under
 * @param minPollInterval with {@code learned}, the shortest wait between two polls of a
 * job
 * @param timingsRefresh how often this instance reads the models' learned timings, which
 * every instance writes
 */
@ConfigurationProperties("gateway.upstream")
@Validated
record UpstreamSettings(@DefaultValue("true") boolean enabled, @DefaultValue("10") @Min(1) int rateLimitPerSecond,
		@DefaultValue("20") @Min(1) int maxInFlight, @DefaultValue("2s") @NotNull Duration pollInterval,
		@DefaultValue("30s") @NotNull Duration maxPollInterval, @DefaultValue("30m") @NotNull Duration jobTimeout,
		@DefaultValue("false") boolean resendOnUnknownOutcome, @DefaultValue("2m") @NotNull Duration submitLease,
		@DefaultValue("30s") @NotNull Duration pollLease, @DefaultValue("10") @Min(1) int maxSubmitAttempts,
		@DefaultValue("250ms") @NotNull Duration dispatchInterval, @DefaultValue("100") @Min(1) int batchSize,
		@DefaultValue("5m") @NotNull Duration paymentRetryInterval,
		@DefaultValue("learned") @NotNull PollStrategy pollStrategy,
		@DefaultValue("1500ms") @NotNull Duration pollTargetLag,
		@DefaultValue("500ms") @NotNull Duration minPollInterval,
		@DefaultValue("10s") @NotNull Duration timingsRefresh) {

	/** How the poller spends its calls. */
	enum PollStrategy {

		/** One result call per poll, timed by what the model's jobs took before. */
		LEARNED,

		/** A status call every {@code poll-interval}, then a result call. */
		FIXED

	}

}
