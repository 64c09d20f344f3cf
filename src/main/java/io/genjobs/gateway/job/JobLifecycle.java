package io.genjobs.gateway.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The upstream half of a job's life, for the dispatcher and the poller: claiming work
 * (fairly, within the global in-flight cap, safely across instances) and recording what
 * RunComfy said. Each method is one short transaction; none makes an HTTP call. The state
 * machine itself stays in {@link Job}.
 */
@Service
public class JobLifecycle {

	private static final Log logger = LogFactory.getLog(JobLifecycle.class);

	private static final int MAX_CONFLICT_RETRIES = 5;

	private final Jobs jobs;

	private final DispatchClaims claims;

	private final TransactionTemplate transaction;

	private final Clock clock;

	JobLifecycle(Jobs jobs, DispatchClaims claims, TransactionTemplate transaction, Clock clock) {
		this.jobs = jobs;
		this.claims = claims;
		this.transaction = transaction;
		this.clock = clock;
	}

	/** A queued job this instance now holds a submit lease on. */
	public record DispatchTicket(UUID jobId, UUID teamId, String model, String inputJson, int attempt,
			boolean cancelRequested) {
	}

	/** A job at RunComfy whose status is due to be polled. */
	public record PollTicket(UUID jobId, JobStatus status, String requestId, Instant submittedAt, int queuedPolls,
			boolean cancelRequested) {
	}

	/**
	 * Claims up to {@code batch} queued jobs for {@code owner} to submit, never letting
	 * the jobs at RunComfy (all instances together) exceed {@code maxInFlight}.
	 */
	public List<DispatchTicket> claimForDispatch(String owner, int batch, int maxInFlight, Duration lease) {
		return this.transaction.execute((status) -> {
			this.claims.lockDispatch();
			int free = maxInFlight - this.claims.inFlight();
			if (free <= 0) {
				return List.<DispatchTicket>of();
			}
			return this.claims.claimQueued(owner, Math.min(batch, free), lease, now())
				.stream()
				.map((c) -> new DispatchTicket(c.jobId(), c.teamId(), c.model(), c.inputJson(), c.attempt(),
						c.cancelRequested()))
				.toList();
		});
	}

	/**
	 * Claims up to {@code batch} jobs whose status poll is due, hidden from other pollers
	 * for {@code lease}.
	 */
	public List<PollTicket> claimDuePolls(int batch, Duration lease) {
		return this.transaction.execute((status) -> this.claims.claimDuePolls(batch, lease, now())
			.stream()
			.map((p) -> new PollTicket(p.jobId(), p.status(), p.requestId(), p.submittedAt(), p.queuedPolls(),
					p.cancelRequested()))
			.toList());
	}

	/**
	 * RunComfy accepted the job. Returns whether a cancel was asked for meanwhile (the
	 * caller then cancels upstream), or {@code null} when the lease was lost and the job
	 * is no longer this owner's to record (it was resolved elsewhere; RunComfy's copy
	 * should then be cancelled).
	 */
	public Boolean markSubmitted(UUID jobId, String owner, String requestId, Duration firstPollAfter) {
		return retryingConflicts(() -> {
			Job job = load(jobId);
			if (job.status() != JobStatus.QUEUED || !owner.equals(job.leaseOwner())) {
				logger.warn("Job " + jobId + " was submitted as " + requestId + " after its lease was lost; it is "
						+ job.status().wireName());
				return null;
			}
			Instant now = now();
			job.markSubmitted(requestId, now, now.plus(firstPollAfter));
			this.jobs.save(job);
			return job.cancelRequestedAt() != null;
		});
	}

	/**
	 * A submit that surely did not reach RunComfy: the job waits in the queue until
	 * {@code notBefore}.
	 */
	public void retryLater(UUID jobId, String owner, Instant notBefore) {
		update(jobId, (job) -> {
			if (job.status() == JobStatus.QUEUED && owner.equals(job.leaseOwner())) {
				job.retryLater(notBefore);
			}
		});
	}

	/**
	 * A claim whose submit never left (refused by the circuit breaker, or given up on
	 * shutdown before sending): back to the queue until {@code notBefore}, without using
	 * up one of the job's submit attempts.
	 */
	public void handBackUnsent(UUID jobId, String owner, Instant notBefore) {
		update(jobId, (job) -> {
			if (job.status() == JobStatus.QUEUED && owner.equals(job.leaseOwner())) {
				job.handBackUnsent(notBefore);
			}
		});
	}

	/**
	 * Hands queued jobs claimed by {@code owner} but not yet sent back to the queue, and
	 * due polls back to the pool.
	 */
	public void release(String owner, Collection<UUID> unsentDispatches, Collection<UUID> heldPolls) {
		Instant now = now();
		for (UUID jobId : unsentDispatches) {
			handBackUnsent(jobId, owner, now);
		}
		this.transaction.executeWithoutResult((status) -> this.claims.releasePollsHeldBy(List.copyOf(heldPolls), now));
	}

	/** Fails a job that has not finished; a no-op on a finished one. */
	public void fail(UUID jobId, String code, String message) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.fail(code, message, now());
			}
		});
	}

	/** The job still waits in RunComfy's queue. */
	public void stillQueued(UUID jobId, String upstreamStatus, Integer position, Instant nextPoll) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.stillQueued(upstreamStatus, position, nextPoll);
			}
		});
	}

	/** RunComfy is rendering the job. */
	public void running(UUID jobId, String upstreamStatus, Instant nextPoll) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.markRunning(upstreamStatus, now(), nextPoll);
			}
		});
	}

	/**
	 * RunComfy answered a status we do not know: poll again, until the job's deadline.
	 */
	public void unrecognisedStatus(UUID jobId, String upstreamStatus, Instant nextPoll) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.unrecognisedStatus(upstreamStatus, nextPoll);
			}
		});
	}

	/** RunComfy finished the job with this output. */
	public void succeed(UUID jobId, String outputJson) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.succeed(outputJson, now());
			}
		});
	}

	/** The job is cancelled (here, or RunComfy says so). */
	public void cancelled(UUID jobId, String reason) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.cancel(reason, now());
			}
		});
	}

	/** Polls the job again at {@code at} (after a failed poll, say). */
	public void pollAgainAt(UUID jobId, Instant at) {
		update(jobId, (job) -> {
			if (!job.status().isTerminal()) {
				job.unrecognisedStatus(job.upstreamStatus(), at);
			}
		});
	}

	/**
	 * Settles submits orphaned by dead instances (queued jobs whose submit lease
	 * expired). Whether RunComfy got such a job is unknown, and RunComfy has no
	 * idempotency: so the job fails as {@code submit_outcome_unknown}, unless
	 * {@code resend} says sending it twice is acceptable, in which case it goes back to
	 * the queue. Returns how many were settled.
	 */
	public int resolveOrphanedSubmits(int limit, boolean resend) {
		return this.transaction.execute((status) -> {
			Instant now = now();
			List<UUID> orphans = this.claims.lockOrphanedSubmits(limit, now);
			for (UUID jobId : orphans) {
				Job job = load(jobId);
				if (resend) {
					job.retryLater(now);
				}
				else {
					job.fail("submit_outcome_unknown", "The gateway instance submitting this job stopped before "
							+ "RunComfy answered; the job may or may not have reached RunComfy, so it was not sent again.",
							now);
				}
				this.jobs.save(job);
			}
			return orphans.size();
		});
	}

	private void update(UUID jobId, Consumer<Job> change) {
		retryingConflicts(() -> {
			Job job = load(jobId);
			change.accept(job);
			this.jobs.save(job);
			return null;
		});
	}

	/**
	 * Runs {@code work} in a transaction. A concurrent change to the same job (a poll
	 * claim, a cancel request) makes the save fail its version check; the work then runs
	 * again on the fresh job, which is safe because every change first checks the state
	 * it finds.
	 */
	private <T> T retryingConflicts(Supplier<T> work) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.transaction.execute((status) -> work.get());
			}
			catch (ObjectOptimisticLockingFailureException ex) {
				if (attempt == MAX_CONFLICT_RETRIES) {
					throw ex;
				}
			}
		}
	}

	private Job load(UUID jobId) {
		return this.jobs.findById(jobId).orElseThrow(() -> JobNotFoundException.forId(jobId));
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

}
