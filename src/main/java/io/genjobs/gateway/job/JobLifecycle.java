package io.genjobs.gateway.job;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.genjobs.gateway.team.DisabledTeams;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The upstream half of a job's life, for the dispatcher and the poller: claiming work
 * (fairly, within the global in-flight cap, safely across instances) and recording what
 * RunComfy said. Each method is one short transaction; none makes an HTTP call. The job
 * decides each move itself ({@link Job}): a command that no longer applies (the job
 * finished, or its lease is another's) changes nothing.
 */
@Service
public class JobLifecycle {

	private static final Log logger = LogFactory.getLog(JobLifecycle.class);

	private final Jobs jobs;

	private final DispatchClaims claims;

	private final JobChanges changes;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final DisabledTeams disabledTeams;

	private final ObjectProvider<OutputKeeper> outputKeeper;

	JobLifecycle(Jobs jobs, DispatchClaims claims, JobChanges changes, TransactionTemplate transaction, Clock clock,
			DisabledTeams disabledTeams, ObjectProvider<OutputKeeper> outputKeeper) {
		this.disabledTeams = disabledTeams;
		this.outputKeeper = outputKeeper;
		this.jobs = jobs;
		this.claims = claims;
		this.changes = changes;
		this.transaction = transaction;
		this.clock = clock;
	}

	/** A queued job this instance now holds a submit lease on. */
	public record DispatchTicket(UUID jobId, UUID teamId, String model, String inputJson, int attempt,
			boolean cancelRequested) {
	}

	/**
	 * A job at RunComfy whose status is due to be polled: {@code polls} counts this poll
	 * too; {@code previousPollAt} is when it was last polled, {@code runningSince} when a
	 * poll first saw it running ({@code null}: not yet, or never).
	 */
	public record PollTicket(UUID jobId, JobStatus status, String requestId, Instant submittedAt, int queuedPolls,
			int failedPolls, boolean cancelRequested, String model, int polls, @Nullable Instant previousPollAt,
			@Nullable Instant runningSince) {
	}

	/** Whether a submit may leave ({@link #confirmLease}). */
	public enum LeaseCheck {

		/** The job is still queued and the holder's: send it. */
		OWNED,

		/**
		 * The job is the holder's, and its client asked for a cancel: do not send it,
		 * hand it back ({@link #handBackUnsent}), which cancels it.
		 */
		CANCEL_REQUESTED,

		/** The job is no longer the holder's: do not send it, and leave it alone. */
		LOST

	}

	/**
	 * Claims up to {@code batch} queued jobs for {@code owner} to submit, never letting
	 * the jobs at RunComfy (all instances together) exceed {@code maxInFlight}. Queued
	 * jobs of a disabled team wait: they are not claimed until it is enabled again.
	 */
	public List<DispatchTicket> claimForDispatch(String owner, int batch, int maxInFlight, Duration lease) {
		return this.transaction.execute((status) -> {
			this.claims.lockDispatch();
			int free = maxInFlight - this.claims.inFlight();
			if (free <= 0) {
				return List.<DispatchTicket>of();
			}
			return this.claims.claimQueued(owner, Math.min(batch, free), lease, now(), this.disabledTeams.ids())
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
					p.failedPolls(), p.cancelRequested(), p.model(), p.polls(), p.previousPollAt(), p.runningSince()))
			.toList());
	}

	/**
	 * Renews the submit leases {@code owner} holds on {@code jobIds} to {@code lease}
	 * from now (the database's clock), and answers those renewed; a job missing from the
	 * answer is no longer {@code owner}'s.
	 */
	public Set<UUID> renewLeases(String owner, Collection<UUID> jobIds, Duration lease) {
		if (jobIds.isEmpty()) {
			return Set.of();
		}
		return Set
			.copyOf(this.transaction.execute((status) -> this.claims.renewLeases(owner, List.copyOf(jobIds), lease)));
	}

	/**
	 * Checks, right before a submit of the job leaves, that it is still queued and
	 * {@code owner}'s, and renews its lease to {@code lease} from now, in one statement:
	 * a submit goes out only under a lease its holder has just confirmed.
	 */
	public LeaseCheck confirmLease(UUID jobId, String owner, Duration lease) {
		Optional<Boolean> cancelRequested = this.transaction
			.execute((status) -> this.claims.confirmLease(jobId, owner, lease));
		if (cancelRequested.isEmpty()) {
			return LeaseCheck.LOST;
		}
		return cancelRequested.get() ? LeaseCheck.CANCEL_REQUESTED : LeaseCheck.OWNED;
	}

	/**
	 * RunComfy accepted the job {@code owner} submitted: recorded, unless the lease was
	 * lost meanwhile. The answer tells the caller whether to cancel at RunComfy.
	 */
	public SubmitResult markSubmitted(UUID jobId, String owner, String requestId, Duration firstPollAfter) {
		SubmitResult result = this.changes.apply(jobId, (job) -> {
			Instant now = now();
			return job.markSubmitted(owner, requestId, now, now.plus(firstPollAfter));
		});
		if (result instanceof SubmitResult.LeaseLost lost) {
			logger.warn("Job " + jobId + " was submitted as " + requestId + " after its lease was lost; it is "
					+ lost.status().wireName());
		}
		return result;
	}

	/**
	 * A submit that surely did not reach RunComfy: the job waits in the queue until
	 * {@code notBefore} (or is cancelled, when its client asked meanwhile).
	 */
	public void retryLater(UUID jobId, String owner, Instant notBefore) {
		this.changes.apply(jobId, (job) -> job.retryLater(owner, notBefore, now()));
	}

	/**
	 * A claim whose submit never left (refused by the circuit breaker, or given up on
	 * shutdown before sending): back to the queue until {@code notBefore}, without using
	 * up one of the job's submit attempts.
	 */
	public void handBackUnsent(UUID jobId, String owner, Instant notBefore) {
		this.changes.apply(jobId, (job) -> job.handBackUnsent(owner, notBefore, now()));
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
	public void fail(UUID jobId, FailureCode.Failure failure) {
		this.changes.apply(jobId, (job) -> job.fail(failure, now()));
	}

	/** The job still waits in RunComfy's queue. */
	public void stillQueued(UUID jobId, String upstreamStatus, Integer position, Instant nextPoll) {
		this.changes.apply(jobId, (job) -> job.stillQueued(upstreamStatus, position, nextPoll));
	}

	/** RunComfy is rendering the job. */
	public void running(UUID jobId, String upstreamStatus, Instant nextPoll) {
		this.changes.apply(jobId, (job) -> job.markRunning(upstreamStatus, now(), nextPoll));
	}

	/**
	 * RunComfy answered a status we do not know: poll again, until the job's deadline.
	 */
	public void unrecognisedStatus(UUID jobId, String upstreamStatus, Instant nextPoll) {
		this.changes.apply(jobId, (job) -> job.recordPoll(upstreamStatus, nextPoll));
	}

	/** RunComfy finished the job with this output, and said nothing of its cost. */
	public void succeed(UUID jobId, String outputJson) {
		succeed(jobId, outputJson, null);
	}

	/**
	 * RunComfy finished the job with this output, at this cost ({@code null} when
	 * RunComfy did not say). When the output names files and the {@link OutputKeeper}
	 * copies them, the job stays {@code running} until they are copied
	 * ({@link JobOutputCopies}); otherwise it succeeds now.
	 */
	public void succeed(UUID jobId, String outputJson, @Nullable BigDecimal costUsd) {
		OutputKeeper keeper = this.outputKeeper.getIfAvailable();
		boolean copy = keeper != null && keeper.copiesOutputs() && !OutputUrls.in(outputJson).isEmpty();
		boolean waiting = this.changes.apply(jobId, (job) -> job.succeed(outputJson, costUsd, copy, now())) && copy;
		if (waiting) {
			keeper.copiesPending();
		}
	}

	/** The job is cancelled (here, or RunComfy says so). */
	public void cancelled(UUID jobId, String reason) {
		this.changes.apply(jobId, (job) -> job.cancel(reason, now()));
	}

	/**
	 * A poll got no answer: the job is polled again at {@code at}, and the failure
	 * counted ({@link PollTicket#failedPolls}) for the next poll's back-off.
	 */
	public void pollFailed(UUID jobId, Instant at) {
		this.changes.apply(jobId, (job) -> job.pollFailed(at));
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
			List<UUID> orphans = this.claims.lockOrphanedSubmits(limit);
			for (UUID jobId : orphans) {
				Job job = this.jobs.findById(jobId).orElseThrow(() -> JobNotFoundException.forId(jobId));
				job.settleOrphanedSubmit(resend, now);
				this.jobs.save(job);
			}
			return orphans.size();
		});
	}

	private Instant now() {
		return this.clock.instant();
	}

}
