package io.genjobs.gateway.job;

import java.time.Instant;

import jakarta.persistence.Embeddable;

/**
 * How a job's trip to RunComfy stands: the submit lease (written by the claims in
 * {@link DispatchClaims}), the submits tried, RunComfy's request id and what RunComfy
 * last said of it, when the dispatcher or the poller acts on the job next, and a cancel
 * the client asked for while a submit was under way. Part of the {@link Job}, which alone
 * decides when each of these changes; this class only keeps them consistent.
 */
@Embeddable
class JobDispatch {

	private int attempts;

	private String leaseOwner;

	private Instant leaseExpiresAt;

	private Instant nextAttemptAt;

	private String upstreamRequestId;

	private Integer upstreamQueuePosition;

	private String upstreamStatus;

	private int queuedPolls;

	private int failedPolls;

	private Instant cancelRequestedAt;

	/** The W3C traceparent of the span that accepted the job: its later steps' parent. */
	private String traceParent;

	boolean leased() {
		return this.leaseOwner != null;
	}

	boolean leasedTo(String owner) {
		return owner.equals(this.leaseOwner);
	}

	String leaseOwner() {
		return this.leaseOwner;
	}

	/** What {@link DispatchClaims#claimQueued} writes for one job. */
	void claim(String owner, Instant leaseUntil) {
		this.leaseOwner = owner;
		this.leaseExpiresAt = leaseUntil;
		this.attempts++;
	}

	/**
	 * Back to the queue, sent again from {@code notBefore}; an unsent claim is no
	 * attempt.
	 */
	void handBack(Instant notBefore, boolean unsent) {
		clearLease();
		this.nextAttemptAt = notBefore;
		if (unsent) {
			this.attempts = Math.max(0, this.attempts - 1);
		}
	}

	void submitted(String requestId, Instant firstPoll) {
		clearLease();
		this.upstreamRequestId = requestId;
		this.upstreamStatus = "in_queue";
		this.nextAttemptAt = firstPoll;
		this.queuedPolls = 0;
		this.failedPolls = 0;
	}

	void stillQueued(String status, Integer position, Instant nextPoll) {
		this.upstreamStatus = status;
		this.upstreamQueuePosition = position;
		this.queuedPolls++;
		this.failedPolls = 0;
		this.nextAttemptAt = nextPoll;
	}

	void running(String status, Instant nextPoll) {
		this.upstreamStatus = status;
		this.upstreamQueuePosition = null;
		this.failedPolls = 0;
		this.nextAttemptAt = nextPoll;
	}

	/**
	 * RunComfy answered a poll with {@code status}, to be polled again at
	 * {@code nextPoll}.
	 */
	void answered(String status, Instant nextPoll) {
		this.upstreamStatus = status;
		this.failedPolls = 0;
		this.nextAttemptAt = nextPoll;
	}

	void said(String status) {
		this.upstreamStatus = status;
	}

	/** A poll that got no answer: counted, for the next one to back off further. */
	void pollFailed(Instant nextPoll) {
		this.failedPolls++;
		this.nextAttemptAt = nextPoll;
	}

	/** The job finished: nothing more to send, poll or hold. */
	void finished() {
		clearLease();
		this.upstreamQueuePosition = null;
		this.nextAttemptAt = null;
	}

	boolean cancelRequested() {
		return this.cancelRequestedAt != null;
	}

	Instant cancelRequestedAt() {
		return this.cancelRequestedAt;
	}

	/**
	 * Records a client's cancel (or the deadline's, dated at the deadline); a repeated
	 * request keeps the first time.
	 */
	void requestCancel(Instant at) {
		if (this.cancelRequestedAt == null) {
			this.cancelRequestedAt = at;
		}
	}

	int attempts() {
		return this.attempts;
	}

	int failedPolls() {
		return this.failedPolls;
	}

	String upstreamRequestId() {
		return this.upstreamRequestId;
	}

	Integer upstreamQueuePosition() {
		return this.upstreamQueuePosition;
	}

	String traceParent() {
		return this.traceParent;
	}

	void traceParent(String traceParent) {
		this.traceParent = traceParent;
	}

	private void clearLease() {
		this.leaseOwner = null;
		this.leaseExpiresAt = null;
	}

}
