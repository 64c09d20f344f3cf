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
 * A generation job and the one place that decides its state changes, all through
 * {@link #moveTo} (checked against {@link JobStatus}, {@code sequence} bumped, a
 * {@link JobTransitioned} registered). JSON columns are kept as the exact JSON text.
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

	@Embedded
	private JobOutputs outputs = new JobOutputs();

	@Embedded
	private JobSchedule schedule = new JobSchedule();

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
		job.schedule = new JobSchedule(spec.priority(), spec.deadline());
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

	/** RunComfy accepted the job {@code owner} holds the lease of; idempotent. */
	SubmitResult markSubmitted(String owner, String requestId, Instant at, Instant firstPoll) {
		if (requestId.equals(this.dispatch.upstreamRequestId())) {
			return new SubmitResult.Recorded();
		}
		if (!leasedTo(owner)) {
			return new SubmitResult.LeaseLost(this.status);
		}
		moveTo(JobStatus.SUBMITTED, "submitted to RunComfy", at);
		this.dispatch.submitted(requestId, firstPoll);
		return this.dispatch.cancelRequested() ? new SubmitResult.CancelRequested() : new SubmitResult.Recorded();
	}

	/** A submit that surely did not reach RunComfy: queued again. */
	boolean retryLater(String owner, Instant notBefore, Instant at) {
		return releaseLease(owner, notBefore, at, false);
	}

	/** A claim handed back before its submit left at all: it is no submit attempt. */
	boolean handBackUnsent(String owner, Instant notBefore, Instant at) {
		return releaseLease(owner, notBefore, at, true);
	}

	/** A submit whose holder died: queued again if {@code resend}, else failed. */
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

	/** A poll that failed: polled again at {@code nextPoll}, and counted for back-off. */
	boolean pollFailed(Instant nextPoll) {
		if (!atRunComfy()) {
			return false;
		}
		this.dispatch.pollFailed(nextPoll);
		return true;
	}

	/**
	 * RunComfy finished the job with this output at {@code costUsd} (null: unsaid); with
	 * {@code copy} it stays running until its files are copied ({@link #outputsSettled}).
	 */
	boolean succeed(String outputJson, BigDecimal costUsd, boolean copy, Instant at) {
		if (this.status.isTerminal() || outputs().copying()) {
			return false;
		}
		cost().reported(costUsd);
		this.dispatch.said("completed");
		if (!copy) {
			finishAs(JobStatus.SUCCEEDED, "RunComfy completed the job", null, at);
			this.output = outputJson;
			return true;
		}
		if (this.status != JobStatus.RUNNING) {
			moveTo(JobStatus.RUNNING, "RunComfy completed the job; copying its files", at);
		}
		this.dispatch.finished();
		outputs().copyFrom(outputJson, at);
		return true;
	}

	/** The copy ended: succeeded with {@code assetsJson} kept, or with a warning. */
	boolean outputsSettled(String assetsJson, String warningsJson, Instant at) {
		boolean copying = !this.status.isTerminal() && outputs().copying();
		this.output = copying ? outputs().settle(assetsJson, warningsJson) : this.output;
		return copying && finishAs(JobStatus.SUCCEEDED, "RunComfy completed the job", null, at);
	}

	boolean retryOutputCopy(Instant next) {
		return !this.status.isTerminal() && outputs().copying() && outputs().retryAt(next);
	}

	boolean fail(FailureCode.Failure failure, Instant at) {
		return finishAs(JobStatus.FAILED, null, failure, at);
	}

	boolean cancel(String reason, Instant at) {
		return finishAs(JobStatus.CANCELLED, reason, null, at);
	}

	/**
	 * A client's cancel: done now, recorded for a submit under way, or RunComfy's to do.
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
	private boolean finishAs(JobStatus end, String reason, FailureCode.Failure failure, Instant at) {
		if (this.status.isTerminal()) {
			return false;
		}
		FailureCode.Failure error = (end == JobStatus.CANCELLED) ? this.schedule.byDeadline(this.dispatch) : failure;
		this.errorCode = (error != null) ? error.code().wireName() : null;
		this.errorMessage = (error != null) ? error.message() : null;
		moveTo(end, (error != null) ? error.code().wireName() : reason, at);
		this.dispatch.finished();
		// The JobSettled releases the cost's reservation and books it.
		cost().settle(this.submittedAt != null);
		registerEvent(new JobSettled(id(), this.teamId, this.model, cost().actualUsd(), cost().source(), at));
		return true;
	}

	/** Whether {@code owner} holds the submit lease of this (queued) job. */
	private boolean leasedTo(String owner) {
		return this.status == JobStatus.QUEUED && this.dispatch.leasedTo(owner);
	}

	private boolean atRunComfy() {
		return (this.status == JobStatus.SUBMITTED || this.status == JobStatus.RUNNING) && !outputs().copying();
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

	JobOutputs outputs() {
		return this.outputs;
	}

	JobSchedule schedule() {
		return this.schedule;
	}

}
