package io.genjobs.gateway.job;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.ColumnTransformer;

import io.genjobs.gateway.common.persistence.CreatedEntity;

/**
 * A generation job and the one place that decides its state changes. Every change goes
 * through {@link #moveTo}: it checks the move against {@link JobStatus}, bumps
 * {@code sequence}, stamps the times, and registers a {@link JobTransitioned} event that
 * is recorded in the same transaction when the job is saved. JSON columns are kept as the
 * exact JSON text.
 */
@Entity
@Table(name = "jobs")
class Job extends CreatedEntity<Job> {

	/** Why a job cancelled before any submit of it left is cancelled. */
	static final String NOT_SENT = "cancelled before it was sent";

	private UUID teamId;

	private String model;

	private JobStatus status;

	@ColumnTransformer(write = "?::jsonb")
	private String input;

	@ColumnTransformer(write = "?::jsonb")
	private String output;

	private String errorCode;

	private String errorMessage;

	@ColumnTransformer(write = "?::jsonb")
	private String metadata;

	private String webhookUrl;

	@ColumnTransformer(write = "?::jsonb")
	private String webhookEvents;

	private int sequence;

	@Version
	private long version;

	private String idempotencyKey;

	private String requestHash;

	private Instant updatedAt;

	private Instant submittedAt;

	private Instant completedAt;

	@Embedded
	private JobCost cost = new JobCost();

	@Embedded
	private JobDispatch dispatch = new JobDispatch();

	protected Job() {
	}

	private Job(UUID id, Instant createdAt) {
		super(id, createdAt);
	}

	/** A new job, {@code queued}, with its creation recorded as the first transition. */
	static Job accept(UUID id, UUID teamId, NewJob spec, Instant now) {
		Job job = new Job(id, now);
		job.teamId = teamId;
		job.model = spec.model();
		job.input = spec.inputJson();
		job.metadata = spec.metadataJson();
		job.webhookUrl = spec.webhookUrl();
		job.webhookEvents = spec.webhookEventsJson();
		job.idempotencyKey = spec.idempotencyKey();
		job.requestHash = spec.requestHash();
		job.cost = new JobCost(spec.estimatedCostUsd());
		job.moveTo(JobStatus.QUEUED, "accepted", now);
		return job;
	}

	/** Moves the job to {@code next}, or throws when the state machine forbids it. */
	private void moveTo(JobStatus next, String reason, Instant at) {
		JobStatus previous = this.status;
		if (previous != null && !previous.canMoveTo(next)) {
			throw new IllegalTransitionException(id(), previous, next);
		}
		this.status = next;
		this.sequence++;
		this.updatedAt = at;
		if (next == JobStatus.SUBMITTED) {
			this.submittedAt = at;
		}
		if (next.isTerminal()) {
			this.completedAt = at;
		}
		registerEvent(new JobTransitioned(id(), this.teamId, this.model, previous, next, this.sequence, reason, at));
	}

	/** {@link DispatchClaims#claimQueued} for a job in memory. */
	void claim(String owner, Instant leaseUntil) {
		if (this.status != JobStatus.QUEUED || this.dispatch.leased()) {
			throw new IllegalStateException("Job " + id() + " is not free to claim");
		}
		this.dispatch.claim(owner, leaseUntil);
	}

	/**
	 * RunComfy accepted the job that {@code owner} holds the submit lease of: it is at
	 * RunComfy now, first polled at {@code firstPoll}. Nothing changes when the lease is
	 * no longer {@code owner}'s; recording the same request id again is a no-op that
	 * answers {@link SubmitResult.Recorded} (the holder retries a recording whose answer
	 * it did not get).
	 */
	SubmitResult markSubmitted(String owner, String requestId, Instant at, Instant firstPoll) {
		if (requestId.equals(this.dispatch.upstreamRequestId())) {
			// Recorded already: an earlier try committed, but its answer was lost.
			return new SubmitResult.Recorded();
		}
		if (!leasedTo(owner)) {
			return new SubmitResult.LeaseLost(this.status);
		}
		moveTo(JobStatus.SUBMITTED, "submitted to RunComfy", at);
		this.dispatch.submitted(requestId, firstPoll);
		return this.dispatch.cancelRequested() ? new SubmitResult.CancelRequested() : new SubmitResult.Recorded();
	}

	/**
	 * A submit by {@code owner} that surely did not reach RunComfy: back to the queue,
	 * not to be sent before {@code notBefore}; cancelled instead when the client asked
	 * meanwhile.
	 * @return whether {@code owner} still held the job
	 */
	boolean retryLater(String owner, Instant notBefore, Instant at) {
		return releaseLease(owner, notBefore, at, false);
	}

	/**
	 * A claim handed back before its submit left at all (the circuit breaker refused the
	 * call, or the instance is stopping): like {@link #retryLater}, and the claim does
	 * not count as one of the {@code max-submit-attempts}, which are submits tried.
	 */
	boolean handBackUnsent(String owner, Instant notBefore, Instant at) {
		return releaseLease(owner, notBefore, at, true);
	}

	/**
	 * Settles a submit whose holder died before RunComfy answered: queued again when
	 * {@code resend} allows, else failed as {@link FailureCode#SUBMIT_OUTCOME_UNKNOWN}.
	 */
	boolean settleOrphanedSubmit(boolean resend, Instant at) {
		if (this.status != JobStatus.QUEUED || !this.dispatch.leased()) {
			return false;
		}
		if (resend) {
			return retryLater(this.dispatch.leaseOwner(), at, at);
		}
		return fail(FailureCode.SUBMIT_OUTCOME_UNKNOWN
			.because("The gateway instance submitting this job stopped before RunComfy answered"), at);
	}

	/** The job is still waiting in RunComfy's queue at {@code position}. */
	boolean stillQueued(String upstreamStatus, Integer position, Instant nextPoll) {
		if (!atRunComfy()) {
			return false;
		}
		this.dispatch.stillQueued(upstreamStatus, position, nextPoll);
		return true;
	}

	/** RunComfy is rendering the job. A no-op state-wise when it was already running. */
	boolean markRunning(String upstreamStatus, Instant at, Instant nextPoll) {
		if (!atRunComfy()) {
			return false;
		}
		if (this.status != JobStatus.RUNNING) {
			moveTo(JobStatus.RUNNING, "RunComfy started the job", at);
		}
		this.dispatch.running(upstreamStatus, nextPoll);
		return true;
	}

	/** RunComfy said a status nobody documented: polled again at {@code nextPoll}. */
	boolean recordPoll(String upstreamStatus, Instant nextPoll) {
		if (!atRunComfy()) {
			return false;
		}
		this.dispatch.answered(upstreamStatus, nextPoll);
		return true;
	}

	/**
	 * A poll that failed (no answer, say): polled again at {@code nextPoll}, and counted
	 * ({@code failed_polls}) so that the next delay can back off further.
	 */
	boolean pollFailed(Instant nextPoll) {
		if (!atRunComfy()) {
			return false;
		}
		this.dispatch.pollFailed(nextPoll);
		return true;
	}

	/**
	 * RunComfy finished the job with this output; {@code costUsd} is what RunComfy says
	 * it cost, or {@code null} when it did not say.
	 */
	boolean succeed(String outputJson, BigDecimal costUsd, Instant at) {
		if (this.status.isTerminal()) {
			return false;
		}
		cost().reported(costUsd);
		finishAs(JobStatus.SUCCEEDED, "RunComfy completed the job", at);
		this.output = outputJson;
		this.dispatch.said("completed");
		return true;
	}

	boolean fail(FailureCode.Failure failure, Instant at) {
		if (!finishAs(JobStatus.FAILED, failure.code().wireName(), at)) {
			return false;
		}
		this.errorCode = failure.code().wireName();
		this.errorMessage = failure.message();
		return true;
	}

	boolean cancel(String reason, Instant at) {
		return finishAs(JobStatus.CANCELLED, reason, at);
	}

	/**
	 * A client asks for the job to be cancelled. One nobody is sending is cancelled at
	 * once; one whose submit is under way has the request recorded, for the submit's
	 * holder to act on ({@link #markSubmitted}, {@link #retryLater}); one waiting at
	 * RunComfy is for RunComfy to cancel.
	 */
	CancelStep requestCancel(Instant at) {
		return switch (this.status) {
			case CANCELLED -> CancelStep.CANCELLED;
			case RUNNING, SUCCEEDED, FAILED -> CancelStep.REFUSED;
			case SUBMITTED -> CancelStep.ASK_RUNCOMFY;
			case QUEUED -> {
				if (!this.dispatch.leased()) {
					cancel(NOT_SENT, at);
					yield CancelStep.CANCELLED;
				}
				this.dispatch.requestCancel(at);
				yield CancelStep.PENDING;
			}
		};
	}

	private boolean releaseLease(String owner, Instant notBefore, Instant at, boolean unsent) {
		if (!leasedTo(owner)) {
			return false;
		}
		if (this.dispatch.cancelRequested()) {
			return cancel(NOT_SENT, at);
		}
		this.dispatch.handBack(notBefore, unsent);
		return true;
	}

	/**
	 * Moves an unfinished job to a terminal state; {@code false} when it had finished.
	 */
	private boolean finishAs(JobStatus end, String reason, Instant at) {
		if (this.status.isTerminal()) {
			return false;
		}
		moveTo(end, reason, at);
		this.dispatch.finished();
		settleCost(at);
		return true;
	}

	/** Settles the cost; the {@link JobSettled} releases the reservation and books it. */
	private void settleCost(Instant at) {
		cost().settle(this.submittedAt != null);
		registerEvent(new JobSettled(id(), this.teamId, this.model, cost().actualUsd(), cost().source(), at));
	}

	/** Whether {@code owner} holds the submit lease of this (queued) job. */
	private boolean leasedTo(String owner) {
		return this.status == JobStatus.QUEUED && this.dispatch.leasedTo(owner);
	}

	private boolean atRunComfy() {
		return this.status == JobStatus.SUBMITTED || this.status == JobStatus.RUNNING;
	}

	/** Events registered since the last save, for {@link JobInserts} (no repository). */
	Collection<Object> pendingEvents() {
		return domainEvents();
	}

	void eventsPublished() {
		clearDomainEvents();
	}

	String idempotencyKey() {
		return this.idempotencyKey;
	}

	UUID id() {
		return getId();
	}

	UUID teamId() {
		return this.teamId;
	}

	String model() {
		return this.model;
	}

	JobStatus status() {
		return this.status;
	}

	String input() {
		return this.input;
	}

	String output() {
		return this.output;
	}

	String errorCode() {
		return this.errorCode;
	}

	String errorMessage() {
		return this.errorMessage;
	}

	String metadata() {
		return this.metadata;
	}

	String webhookUrl() {
		return this.webhookUrl;
	}

	String webhookEvents() {
		return this.webhookEvents;
	}

	int sequence() {
		return this.sequence;
	}

	String requestHash() {
		return this.requestHash;
	}

	Instant createdAt() {
		return getCreatedAt();
	}

	Instant updatedAt() {
		return this.updatedAt;
	}

	Instant submittedAt() {
		return this.submittedAt;
	}

	Instant completedAt() {
		return this.completedAt;
	}

	/** Hibernate loads an embeddable whose columns are all null as null. */
	JobCost cost() {
		return (this.cost != null) ? this.cost : (this.cost = new JobCost(null));
	}

	JobDispatch dispatch() {
		return this.dispatch;
	}

}
