package io.genjobs.gateway.storage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.job.JobOutputCopies;
import io.genjobs.gateway.job.JobOutputCopies.CopiedFile;
import io.genjobs.gateway.job.JobOutputCopies.CopyTicket;
import io.genjobs.gateway.job.JobTraces;

/**
 * Copies the files of jobs RunComfy finished, before they turn {@code succeeded}. Each
 * round claims due copies ({@link JobOutputCopies#claimDue}, {@code SKIP LOCKED}, up to
 * {@code max-concurrent-copies} in hand) and copies each on a virtual thread of its own,
 * claiming again as soon as one ends; the claims it holds are renewed every third of
 * {@code lease}. A failed attempt is tried again after a back-off (2 s doubling, at most
 * a minute, jittered) until {@code copy-timeout} has passed since RunComfy finished the
 * job; then, or at once for a failure that trying again cannot fix, the job succeeds with
 * RunComfy's URLs and a warning, and whatever was stored of it is deleted. A copy whose
 * instance died is due again when its lease runs out, and starts over on whichever
 * instance claims it.
 */
final class OutputCopyWorker extends WorkLoop {

	private static final Log logger = LogFactory.getLog(OutputCopyWorker.class);

	private static final Duration FIRST_RETRY = Duration.ofSeconds(2);

	private static final Duration LONGEST_RETRY = Duration.ofMinutes(1);

	private final JobOutputCopies copies;

	private final JobTraces traces;

	private final OutputCopier copier;

	private final OutputStore store;

	private final StoredOutputs stored;

	private final StorageSettings settings;

	private final StorageMetrics metrics;

	private final Clock clock;

	private final Set<UUID> held = ConcurrentHashMap.newKeySet();

	private volatile Instant renewedAt = Instant.EPOCH;

	OutputCopyWorker(JobOutputCopies copies, OutputCopier copier, OutputStore store, StoredOutputs stored,
			StorageSettings settings, StorageMetrics metrics, Clock clock, JobTraces traces) {
		super("output-copier", Duration.ofSeconds(15));
		this.traces = traces;
		this.copies = copies;
		this.copier = copier;
		this.store = store;
		this.stored = stored;
		this.settings = settings;
		this.metrics = metrics;
		this.clock = clock;
	}

	@Override
	protected boolean enabled() {
		return this.settings.enabled();
	}

	@Override
	protected Duration round() {
		Duration renewEvery = this.settings.lease().dividedBy(3);
		Instant now = this.clock.instant();
		if (!this.held.isEmpty() && now.isAfter(this.renewedAt.plus(renewEvery))) {
			this.copies.renew(Set.copyOf(this.held), this.settings.lease());
			this.renewedAt = now;
		}
		int free = this.settings.maxConcurrentCopies() - this.held.size();
		if (free > 0 && accepting()) {
			List<CopyTicket> due = this.copies.claimDue(free, this.settings.lease());
			for (CopyTicket ticket : due) {
				this.held.add(ticket.jobId());
				execute(() -> {
					try {
						JobLogContext.with(ticket.jobId(), ticket.teamId(),
								() -> this.traces.run("job output copy", ticket.jobId(), () -> copy(ticket)));
					}
					catch (RuntimeException ex) {
						// Neither copied nor rescheduled (the database is away, say): the
						// claim, no longer renewed, runs out and the copy is due again.
						logger.warn("Copying the outputs of job " + ticket.jobId() + " ended without an outcome: "
								+ ex.getMessage());
					}
					finally {
						this.held.remove(ticket.jobId());
						// The slot is free: the next due copy starts now, not at the next
						// round.
						wake();
					}
				});
			}
		}
		return this.held.isEmpty() ? this.settings.pollInterval() : min(this.settings.pollInterval(), renewEvery);
	}

	private void copy(CopyTicket ticket) {
		long started = System.nanoTime();
		try {
			List<CopiedFile> files = this.copier.copy(ticket.jobId(), ticket.teamId(), ticket.upstreamOutputJson());
			this.copies.copied(ticket.jobId(), files);
			this.metrics.attempt("copied", since(started), files.stream().mapToLong(CopiedFile::bytes).sum());
		}
		catch (CopyFailure ex) {
			failed(ticket, ex.isLasting(), ex.getMessage(), since(started));
		}
		catch (RuntimeException ex) {
			logger.error("Copying the outputs of job " + ticket.jobId() + " failed unexpectedly", ex);
			failed(ticket, false, "the copy failed: " + ex.getMessage(), since(started));
		}
	}

	private void failed(CopyTicket ticket, boolean lasting, String why, Duration took) {
		Instant now = this.clock.instant();
		boolean tooLong = !now.isBefore(ticket.pendingSince().plus(this.settings.copyTimeout()));
		if (!lasting && !tooLong && accepting()) {
			Duration wait = retryDelay(ticket.failedAttempts());
			logger.warn("Copying the outputs of job " + ticket.jobId() + " failed (" + why + "); trying again in "
					+ wait.toMillis() + " ms");
			this.copies.retryAt(ticket.jobId(), now.plus(wait));
			this.metrics.attempt("retried", took, 0);
			return;
		}
		if (!lasting && !tooLong) {
			// Stopping: handed back, due at once on any instance.
			this.copies.release(Set.of(ticket.jobId()));
			return;
		}
		String reason = lasting ? why : why + "; gave up after " + this.settings.copyTimeout();
		logger.warn("The outputs of job " + ticket.jobId() + " are not kept: " + reason);
		deleteStored(ticket.jobId());
		this.copies.notCopied(ticket.jobId(), "The output files could not be copied (" + reason
				+ "); the output links to RunComfy's own URLs, which may not last.");
		this.metrics.attempt("not_copied", took, 0);
	}

	private void deleteStored(UUID jobId) {
		List<String> keys = this.stored.keysOf(jobId);
		try {
			this.store.delete(keys);
			this.stored.forget(keys);
		}
		catch (IOException | RuntimeException ex) {
			// Retention deletes them in time.
			logger.warn("Could not delete the partly copied outputs of job " + jobId + ": " + ex.getMessage());
		}
	}

	static Duration retryDelay(int failedAttempts) {
		long base = FIRST_RETRY.toMillis() << Math.min(failedAttempts, 10);
		long capped = Math.min(base, LONGEST_RETRY.toMillis());
		return Duration.ofMillis((long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
	}

	@Override
	protected Duration afterFailure(RuntimeException ex) {
		super.afterFailure(ex);
		return this.settings.pollInterval();
	}

	@Override
	protected void releaseHeld() {
		if (!this.held.isEmpty()) {
			this.copies.release(Set.copyOf(this.held));
			this.held.clear();
		}
	}

	private static Duration since(long startedNanos) {
		return Duration.ofNanos(System.nanoTime() - startedNanos);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
