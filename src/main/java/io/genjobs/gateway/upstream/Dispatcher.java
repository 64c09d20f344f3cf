package io.genjobs.gateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.job.FailureCode;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.job.JobLifecycle.DispatchTicket;
import io.genjobs.gateway.job.SubmitResult;

/**
 * Sends queued jobs to RunComfy. Each round it settles submits orphaned by dead
 * instances, then, unless the circuit breaker has paused dispatch, claims a batch of
 * queued jobs (fairly between teams and within the global in-flight cap, see
 * {@link JobLifecycle#claimForDispatch}) and submits each on its own virtual thread
 * through {@link ResilientRunComfy}.
 * <p>
 * RunComfy has no idempotency, so what happens after a failed submit depends on whether
 * it may have arrived: surely not (no connection, 429, 5xx) → back to the queue with
 * back-off, until {@code max-submit-attempts}; refused (4xx) → the job fails with
 * RunComfy's words; maybe (no answer) → the job fails as {@code submit_outcome_unknown},
 * unless {@code resend-on-unknown-outcome} allows sending it again.
 */
@Component
class Dispatcher extends WorkLoop {

	private static final Log logger = LogFactory.getLog(Dispatcher.class);

	/**
	 * How long a job waits before the next submit try while the circuit breaker is open.
	 */
	private static final Duration CIRCUIT_OPEN_DELAY = Duration.ofSeconds(5);

	/**
	 * How long work in hand may take to finish on shutdown before it is interrupted and
	 * handed back: inside {@code spring.lifecycle.timeout-per-shutdown-phase} (20 s),
	 * which every loop spends at the same time.
	 */
	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration RETRY_BASE = Duration.ofSeconds(2);

	private static final Duration RETRY_MAX = Duration.ofMinutes(5);

	private final JobLifecycle jobs;

	private final ResilientRunComfy runcomfy;

	private final UpstreamSettings settings;

	private final JsonMapper json;

	private final Clock clock;

	private final String owner;

	/**
	 * Jobs claimed by this instance whose submit has not started: released, not lost, on
	 * shutdown.
	 */
	private final Set<UUID> unsent = ConcurrentHashMap.newKeySet();

	Dispatcher(JobLifecycle jobs, ResilientRunComfy runcomfy, UpstreamSettings settings, JsonMapper json, Clock clock) {
		super("dispatcher", DRAIN_TIMEOUT);
		this.jobs = jobs;
		this.runcomfy = runcomfy;
		this.settings = settings;
		this.json = json;
		this.clock = clock;
		this.owner = InstanceId.generate().value();
	}

	@Override
	protected boolean enabled() {
		return this.settings.enabled();
	}

	String owner() {
		return this.owner;
	}

	@Override
	protected Duration round() {
		this.jobs.resolveOrphanedSubmits(this.settings.batchSize(), this.settings.resendOnUnknownOutcome());
		if (this.runcomfy.unavailable()) {
			return this.settings.dispatchInterval();
		}
		List<DispatchTicket> tickets = this.jobs.claimForDispatch(this.owner, this.settings.batchSize(),
				this.settings.maxInFlight(), this.settings.submitLease());
		for (DispatchTicket ticket : tickets) {
			this.unsent.add(ticket.jobId());
			execute(() -> JobLogContext.with(ticket.jobId(), ticket.teamId(), () -> submit(ticket)));
		}
		return this.settings.dispatchInterval();
	}

	/** A failed round (the database is away, say) is tried again at the next interval. */
	@Override
	protected Duration afterFailure(RuntimeException ex) {
		super.afterFailure(ex);
		return this.settings.dispatchInterval();
	}

	private void submit(DispatchTicket ticket) {
		UUID jobId = ticket.jobId();
		try {
			JsonNode input = this.json.readTree(ticket.inputJson());
			Submission submission = this.runcomfy.submit(ticket.model(), input, () -> {
				if (!accepting()) {
					throw new ShuttingDown();
				}
				this.unsent.remove(jobId);
			});
			SubmitResult recorded = this.jobs.markSubmitted(jobId, this.owner, submission.requestId(),
					this.settings.pollInterval());
			if (!(recorded instanceof SubmitResult.Recorded)) {
				cancelAtRunComfy(jobId, submission.requestId(), recorded);
			}
		}
		catch (ShuttingDown ex) {
			// Shutdown began before this (first or repeated) request left: the job goes
			// back, unsent.
			handBack(jobId, this.clock.instant());
		}
		catch (UpstreamException ex) {
			submitFailed(ticket, ex);
		}
		catch (CallNotPermittedException ex) {
			handBack(jobId, this.clock.instant().plus(CIRCUIT_OPEN_DELAY));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.error("Submitting job " + jobId + " failed unexpectedly", ex);
			if (this.unsent.contains(jobId)) {
				this.jobs.retryLater(jobId, this.owner, this.clock.instant().plus(RETRY_BASE));
			}
			else {
				this.jobs.fail(jobId,
						FailureCode.SUBMIT_OUTCOME_UNKNOWN.because("The gateway failed while submitting the job"));
			}
		}
		finally {
			this.unsent.remove(jobId);
		}
	}

	/**
	 * Back to the queue after a refusal before sending. When no request of this claim
	 * left at all the claim is not a submit attempt: a breaker opening and closing under
	 * a flaky RunComfy otherwise used up {@code max-submit-attempts} without submits
	 * (bench/chaos-faults.sh, 30% 5xx: jobs took up to 7 of their 10 attempts with the
	 * breaker flapping, at most 3 with it held closed).
	 */
	private void handBack(UUID jobId, Instant notBefore) {
		if (this.unsent.contains(jobId)) {
			this.jobs.handBackUnsent(jobId, this.owner, notBefore);
		}
		else {
			this.jobs.retryLater(jobId, this.owner, notBefore);
		}
	}

	private void submitFailed(DispatchTicket ticket, UpstreamException ex) {
		UUID jobId = ticket.jobId();
		switch (ex.kind()) {
			case REJECTED -> this.jobs.fail(jobId, FailureCode.UPSTREAM_REJECTED.because(describe(ex)));
			case OUTCOME_UNKNOWN, MALFORMED -> {
				if (this.settings.resendOnUnknownOutcome() && ticket.attempt() < this.settings.maxSubmitAttempts()) {
					this.jobs.retryLater(jobId, this.owner, this.clock.instant());
				}
				else {
					this.jobs.fail(jobId,
							FailureCode.SUBMIT_OUTCOME_UNKNOWN.because("RunComfy did not answer the submit ("
									+ ex.kind().name().toLowerCase(java.util.Locale.ROOT) + ")"));
				}
			}
			case NOT_SENT, SERVER_ERROR, RATE_LIMITED -> {
				if (ticket.attempt() >= this.settings.maxSubmitAttempts()) {
					this.jobs.fail(jobId, FailureCode.UPSTREAM_UNAVAILABLE.because(ticket.attempt(), describe(ex)));
				}
				else {
					this.jobs.retryLater(jobId, this.owner,
							this.clock.instant().plus(Backoff.of(RETRY_BASE, 2, ticket.attempt() - 1, RETRY_MAX)));
				}
			}
		}
	}

	/**
	 * RunComfy's copy of a job goes: its client asked for a cancel during the submit (the
	 * job is then cancelled when RunComfy cancels it), or the job is no longer ours.
	 */
	private void cancelAtRunComfy(UUID jobId, String requestId, SubmitResult recorded) {
		try {
			CancelOutcome outcome = this.runcomfy.cancel(requestId);
			if (recorded instanceof SubmitResult.CancelRequested && outcome.cancelled()) {
				this.jobs.cancelled(jobId, "cancelled at RunComfy on the client's request");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not cancel RunComfy request " + requestId + " of job " + jobId + ": " + ex.getMessage());
		}
	}

	/** RunComfy's words for a failure, with its error code when it gave one. */
	static String describe(UpstreamException ex) {
		StringBuilder text = new StringBuilder("RunComfy");
		if (ex.errorCode() != null) {
			text.append(" error ").append(ex.errorCode());
		}
		if (ex.httpStatus() != null) {
			text.append(" (HTTP ").append(ex.httpStatus()).append(')');
		}
		String message = ex.upstreamMessage();
		text.append(": ").append((message != null && !message.isBlank()) ? message : ex.getMessage());
		return text.toString();
	}

	@Override
	protected void releaseHeld() {
		this.jobs.release(this.owner, Set.copyOf(this.unsent), Set.of());
		this.unsent.clear();
	}

	/** Thrown from the send hook when shutdown began before the request left. */
	private static final class ShuttingDown extends RuntimeException {

		ShuttingDown() {
			super(null, null, false, false);
		}

	}

}
