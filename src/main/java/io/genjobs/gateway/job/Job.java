package io.genjobs.gateway.job;

import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

import jakarta.persistence.Column;
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

	@Column(name = "team_id")
	private UUID teamId;

	private String model;

	private JobStatus status;

	@ColumnTransformer(write = "?::jsonb")
	private String input;

	@ColumnTransformer(write = "?::jsonb")
	private String output;

	@Column(name = "error_code")
	private String errorCode;

	@Column(name = "error_message")
	private String errorMessage;

	@ColumnTransformer(write = "?::jsonb")
	private String metadata;

	@Column(name = "webhook_url")
	private String webhookUrl;

	@Column(name = "webhook_events")
	@ColumnTransformer(write = "?::jsonb")
	private String webhookEvents;

	@Column(name = "upstream_request_id")
	private String upstreamRequestId;

	@Column(name = "upstream_queue_position")
	private Integer upstreamQueuePosition;

	private int attempts;

	private int sequence;

	@Version
	private long version;

	@Column(name = "idempotency_key")
	private String idempotencyKey;

	@Column(name = "request_hash")
	private String requestHash;

	@Column(name = "updated_at")
	private Instant updatedAt;

	@Column(name = "submitted_at")
	private Instant submittedAt;

	@Column(name = "completed_at")
	private Instant completedAt;

	@Column(name = "lease_owner")
	private String leaseOwner;

	@Column(name = "lease_expires_at")
	private Instant leaseExpiresAt;

	@Column(name = "next_attempt_at")
	private Instant nextAttemptAt;

	@Column(name = "queued_polls")
	private int queuedPolls;

	@Column(name = "upstream_status")
	private String upstreamStatus;

	@Column(name = "cancel_requested_at")
	private Instant cancelRequestedAt;

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
		job.moveTo(JobStatus.QUEUED, "accepted", now);
		return job;
	}

	/** Moves the job to {@code next}, or throws when the state machine forbids it. */
	void moveTo(JobStatus next, String reason, Instant at) {
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

	/**
	 * RunComfy accepted the job: it is at RunComfy now, first polled at
	 * {@code firstPoll}.
	 */
	void markSubmitted(String requestId, Instant at, Instant firstPoll) {
		moveTo(JobStatus.SUBMITTED, "submitted to RunComfy", at);
		this.upstreamRequestId = requestId;
		this.upstreamStatus = "in_queue";
		releaseLease();
		this.nextAttemptAt = firstPoll;
		this.queuedPolls = 0;
	}

	/** The job is still waiting in RunComfy's queue at {@code position}. */
	void stillQueued(String upstreamStatus, Integer position, Instant nextPoll) {
		this.upstreamStatus = upstreamStatus;
		this.upstreamQueuePosition = position;
		this.queuedPolls++;
		this.nextAttemptAt = nextPoll;
	}

	/** RunComfy is rendering the job. A no-op state-wise when it was already running. */
	void markRunning(String upstreamStatus, Instant at, Instant nextPoll) {
		if (this.status != JobStatus.RUNNING) {
			moveTo(JobStatus.RUNNING, "RunComfy started the job", at);
		}
		this.upstreamStatus = upstreamStatus;
		this.upstreamQueuePosition = null;
		this.nextAttemptAt = nextPoll;
	}

	/** RunComfy said something we do not know; keep polling until the deadline. */
	void unrecognisedStatus(String upstreamStatus, Instant nextPoll) {
		this.upstreamStatus = upstreamStatus;
		this.nextAttemptAt = nextPoll;
	}

	void succeed(String outputJson, Instant at) {
		moveTo(JobStatus.SUCCEEDED, "RunComfy completed the job", at);
		this.output = outputJson;
		this.upstreamStatus = "completed";
		this.upstreamQueuePosition = null;
		finish();
	}

	void fail(String code, String message, Instant at) {
		moveTo(JobStatus.FAILED, code, at);
		this.errorCode = code;
		this.errorMessage = message;
		this.upstreamQueuePosition = null;
		finish();
	}

	void cancel(String reason, Instant at) {
		moveTo(JobStatus.CANCELLED, reason, at);
		this.upstreamQueuePosition = null;
		finish();
	}

	/**
	 * A submit that surely did not reach RunComfy: back to the queue, not to be sent
	 * before {@code notBefore}.
	 */
	void retryLater(Instant notBefore) {
		releaseLease();
		this.nextAttemptAt = notBefore;
	}

	/**
	 * A claim handed back before its submit left at all (the circuit breaker refused the
	 * call, or the instance is stopping): like {@link #retryLater}, and the claim does
	 * not count as one of the {@code max-submit-attempts}, which are submits tried.
	 */
	void handBackUnsent(Instant notBefore) {
		retryLater(notBefore);
		this.attempts = Math.max(0, this.attempts - 1);
	}

	void requestCancel(Instant at) {
		this.cancelRequestedAt = at;
	}

	private void finish() {
		releaseLease();
		this.nextAttemptAt = null;
	}

	private void releaseLease() {
		this.leaseOwner = null;
		this.leaseExpiresAt = null;
	}

	/**
	 * The events registered since the job was last saved through its repository, for
	 * {@link JobInserts}, which stores a new job without it.
	 */
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

	String upstreamRequestId() {
		return this.upstreamRequestId;
	}

	Integer upstreamQueuePosition() {
		return this.upstreamQueuePosition;
	}

	int attempts() {
		return this.attempts;
	}

	int sequence() {
		return this.sequence;
	}

	String leaseOwner() {
		return this.leaseOwner;
	}

	Instant leaseExpiresAt() {
		return this.leaseExpiresAt;
	}

	int queuedPolls() {
		return this.queuedPolls;
	}

	String upstreamStatus() {
		return this.upstreamStatus;
	}

	Instant cancelRequestedAt() {
		return this.cancelRequestedAt;
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

}
