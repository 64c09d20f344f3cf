package io.genjobs.gateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.job.FailureCode;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.job.JobLifecycle.DispatchTicket;
import io.genjobs.gateway.job.JobTraces;
import io.genjobs.gateway.job.SubmitResult;
import io.genjobs.gateway.upstream.HeldClaims.CancelBeforeSend;
import io.genjobs.gateway.upstream.HeldClaims.Claim;
import io.genjobs.gateway.upstream.HeldClaims.LeaseLost;
import io.genjobs.gateway.upstream.HeldClaims.PaymentPaused;
import io.genjobs.gateway.upstream.HeldClaims.ShuttingDown;

/**
 * Sends queued jobs to RunComfy. Each round it renews the submit leases it holds, settles
 * submits orphaned by dead instances, then, unless the circuit breaker has paused
 * dispatch or a shared 429 pause is in force, claims a batch of queued jobs (one job at
 * most, and only on its turn, during a {@link PaymentPause}; fairly between teams and
 * within the global in-flight cap, see {@link JobLifecycle#claimForDispatch}) and submits
 * each on its own virtual thread through {@link ResilientRunComfy}.
 * <p>
 * A claim's lease is renewed every third of {@code submit-lease} for as long as this
 * instance holds it, waiting for a token or a pause included, so it cannot run out under
 * a live holder; and each request leaves only after {@link JobLifecycle#confirmLease}
 * found the job still queued and this instance's, in the database. A job whose lease was
 * lost anyway (this instance could not reach the database for a whole lease) is left to
 * whoever settled it, unsent.
 * <p>
 * RunComfy has no idempotency, so what happens after a failed submit depends on whether
 * it may have arrived: surely not (no connection, 429, 5xx) → back to the queue with
 * back-off, until {@code max-submit-attempts}; refused (4xx) → the job fails with
 * RunComfy's words, unless for insufficient balance (back in its place, no attempt used,
 * see {@link PaymentPause}); maybe (no answer) → the job fails as
 * {@code submit_outcome_unknown}, unless {@code resend-on-unknown-outcome} allows sending
 * it again (see {@code record} for a failed recording). On shutdown, a submit not yet
 * sent is handed back, and the drain lets one that just left have its answer recorded.
 */
@Component
class Dispatcher extends WorkLoop {

	private static final Log logger = LogFactory.getLog(Dispatcher.class);

	/**
	 * How long a job waits before the next submit try while the circuit breaker is open.
	 */
	private static final Duration CIRCUIT_OPEN_DELAY = Duration.ofSeconds(5);

	/** Time to record RunComfy's answer, on top of the connect and response timeouts. */
	static final Duration RECORDING_MARGIN = Duration.ofSeconds(5);

	/** Slack {@code WorkLoop.stop} needs past its drain (interrupts, hand-backs). */
	static final Duration STOP_SLACK = Duration.ofSeconds(3);

	private static final Duration RETRY_BASE = Duration.ofSeconds(2);

	private static final Duration RETRY_MAX = Duration.ofMinutes(5);

	private static final Duration RECORD_RETRY_BASE = Duration.ofMillis(200);

	private static final Duration RECORD_RETRY_MAX = Duration.ofSeconds(5);

	private final JobLifecycle jobs;

	private final JobTraces traces;

	private final ResilientRunComfy runcomfy;

	private final UpstreamSettings settings;

	private final JsonMapper json;

	private final Clock clock;

	private final String owner;

	private final HeldClaims claims;

	private final PaymentPause payment;

	private final PollPlanner polls;

	Dispatcher(JobLifecycle jobs, ResilientRunComfy runcomfy, PaymentPause payment, UpstreamSettings settings,
			RunComfySettings runComfy, JsonMapper json, Clock clock, PollPlanner polls,
			@Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration shutdownPhase, JobTraces traces) {
		super("dispatcher", drainTimeout(runComfy));
		this.jobs = jobs;
		this.traces = traces;
		this.runcomfy = runcomfy;
		this.payment = payment;
		this.settings = settings;
		this.json = json;
		this.clock = clock;
		this.polls = polls;
		this.owner = InstanceId.generate().value();
		this.claims = new HeldClaims(jobs, this.owner, settings.submitLease());
		Duration drain = drainTimeout(runComfy);
		if (drain.plus(STOP_SLACK).compareTo(shutdownPhase) > 0) {
			logger.warn("The dispatcher drains for " + drain.toSeconds() + " s on shutdown (RunComfy connect and "
					+ "response timeouts plus " + RECORDING_MARGIN.toSeconds() + " s), more than "
					+ "spring.lifecycle.timeout-per-shutdown-phase (" + shutdownPhase.toSeconds() + " s) allows: "
					+ "raise it (and the grace periods around it), or submits in flight at shutdown may end "
					+ "submit_outcome_unknown");
		}
	}

	/**
	 * How long submits in hand may take to finish on shutdown: at least RunComfy's
	 * response timeout, so that one that just left gets its answer and has it recorded.
	 */
	static Duration drainTimeout(RunComfySettings runComfy) {
		return runComfy.connectTimeout().plus(runComfy.responseTimeout()).plus(RECORDING_MARGIN);
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
		this.claims.renew();
		this.jobs.resolveOrphanedSubmits(this.settings.batchSize(), this.settings.resendOnUnknownOutcome());
		if (this.runcomfy.unavailable() || this.runcomfy.paused()) {
			// A claim now would only wait: claims are made once RunComfy takes calls
			// again.
			return this.settings.dispatchInterval();
		}
		PaymentPause.Turn turn = this.payment.turn();
		if (turn == PaymentPause.Turn.NONE) {
			return this.settings.dispatchInterval();
		}
		long claimedAt = System.nanoTime();
		List<DispatchTicket> tickets = this.jobs.claimForDispatch(this.owner,
				(turn == PaymentPause.Turn.ONE) ? 1 : this.settings.batchSize(), this.settings.maxInFlight(),
				this.settings.submitLease());
		if (turn == PaymentPause.Turn.ONE && tickets.isEmpty()) {
			this.payment.noJobToTry();
		}
		for (DispatchTicket ticket : tickets) {
			Claim claim = this.claims.add(ticket, claimedAt + this.settings.submitLease().toNanos(),
					turn == PaymentPause.Turn.ONE);
			execute(() -> JobLogContext.with(ticket.jobId(), ticket.teamId(),
					() -> this.traces.run("job submit", ticket.jobId(), () -> submit(claim))));
		}
		return this.settings.dispatchInterval();
	}

	/** A failed round (the database is away, say) is tried again at the next interval. */
	@Override
	protected Duration afterFailure(RuntimeException ex) {
		super.afterFailure(ex);
		return this.settings.dispatchInterval();
	}

	private void submit(Claim claim) {
		DispatchTicket ticket = claim.ticket;
		UUID jobId = ticket.jobId();
		boolean release = true;
		try {
			JsonNode input = this.json.readTree(ticket.inputJson());
			Submission submission = this.runcomfy.submit(ticket.model(), input, () -> stillWanted(claim),
					() -> confirm(claim));
			record(claim, submission.requestId());
			this.payment.accepted();
		}
		catch (ShuttingDown | PaymentPaused ex) {
			// Shutdown or a payment pause began before this (first or repeated) request
			// left: the job goes back, unsent.
			release = this.claims.handBack(claim, this.clock.instant());
		}
		catch (LeaseLost ex) {
			logger.warn("Job " + jobId + " was not sent: its submit lease is no longer this instance's");
		}
		catch (CancelBeforeSend ex) {
			// Handing it back cancels it: its client asked while it waited.
			release = this.claims.handBack(claim, this.clock.instant());
		}
		catch (UpstreamException ex) {
			release = submitFailed(claim, ex);
		}
		catch (CallNotPermittedException ex) {
			release = this.claims.handBack(claim, this.clock.instant().plus(CIRCUIT_OPEN_DELAY));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			// Interrupted at the end of the drain: an unsent claim stays held, for
			// releaseHeld to hand back.
			release = claim.sent;
		}
		catch (RuntimeException ex) {
			logger.error("Submitting job " + jobId + " failed unexpectedly", ex);
			if (!claim.sent) {
				release = this.claims.handBack(claim, this.clock.instant().plus(RETRY_BASE));
			}
			else {
				this.jobs.fail(jobId,
						FailureCode.SUBMIT_OUTCOME_UNKNOWN.because("The gateway failed while submitting the job"));
			}
		}
		finally {
			if (release) {
				this.claims.remove(jobId);
			}
		}
	}

	/**
	 * Called while the submit waits for the throttle: gives up when there is no point.
	 */
	private void stillWanted(Claim claim) {
		if (!accepting()) {
			throw new ShuttingDown();
		}
		if (claim.lost) {
			throw new LeaseLost();
		}
		if (!claim.paymentTry && this.payment.inForce()) {
			throw new PaymentPaused();
		}
	}

	/**
	 * Called right before each request of the submit leaves: the job must still be this
	 * instance's, in the database, and its lease is pushed a whole {@code submit-lease}
	 * ahead for the request to run under.
	 */
	private void confirm(Claim claim) {
		stillWanted(claim);
		if (!claim.paymentTry && this.payment.inForceNow()) {
			throw new PaymentPaused();
		}
		long now = System.nanoTime();
		switch (this.jobs.confirmLease(claim.ticket.jobId(), this.owner, this.settings.submitLease())) {
			case LOST -> {
				claim.lost = true;
				throw new LeaseLost();
			}
			case CANCEL_REQUESTED -> throw new CancelBeforeSend();
			case OWNED -> {
				claim.leaseUntil = now + this.settings.submitLease().toNanos();
				claim.sent = true;
			}
		}
	}

	/**
	 * Records that RunComfy accepted the job. The request id must not be lost: a failed
	 * recording is logged with it and tried again with back-off for as long as the lease
	 * would last (and at most one {@code submit-lease}); after that the lease runs out
	 * and the orphaned-submit settling takes the job over.
	 */
	private void record(Claim claim, String requestId) {
		UUID jobId = claim.ticket.jobId();
		long firstFailure = 0;
		for (int failures = 0;; failures++) {
			SubmitResult recorded;
			try {
				recorded = this.jobs.markSubmitted(jobId, this.owner, requestId,
						this.polls.firstPoll(claim.ticket.model()));
			}
			catch (RuntimeException ex) {
				long now = System.nanoTime();
				if (failures == 0) {
					firstFailure = now;
				}
				Duration wait = Backoff.of(RECORD_RETRY_BASE, 2, failures, RECORD_RETRY_MAX);
				long retryAt = now + wait.toNanos();
				if (claim.leaseUntil - retryAt <= 0 || retryAt - firstFailure > this.settings.submitLease().toNanos()) {
					logger.error("RunComfy accepted job " + jobId + " as request " + requestId + ", but recording it "
							+ "failed " + (failures + 1) + " times until its submit lease ran out; the job is left "
							+ "to the orphaned-submit settling: " + ex.getMessage());
					return;
				}
				logger.warn("RunComfy accepted job " + jobId + " as request " + requestId + ", but recording it "
						+ "failed; trying again in " + wait.toMillis() + " ms: " + ex.getMessage());
				if (!sleep(wait)) {
					logger.error("RunComfy accepted job " + jobId + " as request " + requestId + ", but the gateway "
							+ "stopped before it could record it; the job is left to the orphaned-submit settling");
					return;
				}
				continue;
			}
			if (failures > 0) {
				logger.info("Job " + jobId + " recorded as RunComfy request " + requestId + " after " + failures
						+ " failed tries");
			}
			if (!(recorded instanceof SubmitResult.Recorded)) {
				cancelAtRunComfy(jobId, requestId, recorded);
			}
			return;
		}
	}

	/** Answers whether the claim is settled (see {@link #handBack}). */
	private boolean submitFailed(Claim claim, UpstreamException ex) {
		DispatchTicket ticket = claim.ticket;
		UUID jobId = ticket.jobId();
		switch (ex.kind()) {
			case REJECTED -> this.jobs.fail(jobId, FailureCode.UPSTREAM_REJECTED.because(describe(ex)));
			case PAYMENT_REQUIRED -> {
				// Not the job's fault: back in its place, no attempt used; dispatch
				// pauses.
				this.payment.refused(ex, claim.paymentTry);
				return this.claims.handBackUncounted(claim, this.clock.instant());
			}
			case OUTCOME_UNKNOWN, MALFORMED -> {
				if (this.settings.resendOnUnknownOutcome() && ticket.attempt() < this.settings.maxSubmitAttempts()) {
					return this.claims.handBack(claim, this.clock.instant());
				}
				this.jobs.fail(jobId, FailureCode.SUBMIT_OUTCOME_UNKNOWN
					.because("RunComfy did not answer the submit (" + ex.kind().name().toLowerCase(Locale.ROOT) + ")"));
			}
			case NOT_SENT, SERVER_ERROR, RATE_LIMITED -> {
				if (ticket.attempt() >= this.settings.maxSubmitAttempts()) {
					this.jobs.fail(jobId, FailureCode.UPSTREAM_UNAVAILABLE.because(ticket.attempt(), describe(ex)));
				}
				else {
					return this.claims.handBack(claim,
							this.clock.instant().plus(Backoff.of(RETRY_BASE, 2, ticket.attempt() - 1, RETRY_MAX)));
				}
			}
		}
		return true;
	}

	/**
	 * RunComfy's copy of a job goes: its client asked for a cancel during the submit (the
	 * job is then cancelled when RunComfy cancels it), or the job is no longer ours.
	 */
	private void cancelAtRunComfy(UUID jobId, String requestId, SubmitResult recorded) {
		try {
			CancelOutcome outcome = this.runcomfy.cancel(requestId, Waiting.PATIENTLY);
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

	/** Hands back every claim whose submit never left; the others are settled already. */
	@Override
	protected void releaseHeld() {
		this.jobs.release(this.owner, this.claims.takeUnsent(), Set.of());
	}

	private static boolean sleep(Duration wait) {
		try {
			Thread.sleep(wait);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
