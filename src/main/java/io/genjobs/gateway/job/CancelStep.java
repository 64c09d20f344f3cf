package io.genjobs.gateway.job;

/** What a client's cancel did to a job ({@link Job#requestCancel}). */
enum CancelStep {

	/** The job is cancelled (now, or it already was). */
	CANCELLED,

	/**
	 * A submit of the job is under way: the request is recorded, and the submit's holder
	 * acts on it once the submit resolves.
	 */
	PENDING,

	/** The job waits in RunComfy's queue: RunComfy is to cancel it. */
	ASK_RUNCOMFY,

	/** The job is running or finished: it can no longer be cancelled. */
	REFUSED

}
