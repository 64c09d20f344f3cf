package io.genjobs.gateway.job;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a job failed (or, for {@link #DEADLINE_EXCEEDED}, was cancelled), as clients read
 * it in {@code error.code}, each with the wording of its {@code error.message}. Every
 * failure the gateway records is one of these; the message fills the wording with the
 * particulars (often RunComfy's own words).
 */
public enum FailureCode {

	/** RunComfy refused the submit (a 4xx other than 429); the message is RunComfy's. */
	UPSTREAM_REJECTED("upstream_rejected", "%s"),

	/**
	 * RunComfy could not take the job (no connection, 429, 5xx) in
	 * {@code max-submit-attempts} submits: the attempts, and the last failure.
	 */
	UPSTREAM_UNAVAILABLE("upstream_unavailable", "RunComfy could not take the job after %d attempts; last: %s"),

	/**
	 * A submit whose answer never came: RunComfy has no idempotency, so the job is not
	 * sent again (unless {@code resend-on-unknown-outcome} allows it). The message says
	 * what happened to the submit.
	 */
	SUBMIT_OUTCOME_UNKNOWN("submit_outcome_unknown",
			"%s; the job may or may not have reached RunComfy, so it was not sent again."),

	/** RunComfy finished the job without output; the message is RunComfy's. */
	UPSTREAM_FAILED("upstream_failed", "%s"),

	/** The job was not finished {@code job-timeout} after its submit. */
	UPSTREAM_TIMEOUT("upstream_timeout", "RunComfy did not finish the job within %s of its submit."),

	/**
	 * RunComfy no longer knows the job's request (its {@code 404001}): the request id,
	 * and RunComfy's words.
	 */
	UPSTREAM_REQUEST_LOST("upstream_request_lost", "RunComfy no longer knows the job's request %s: %s"),

	/**
	 * The job had not started at its {@code deadline} (given here): it was cancelled,
	 * here or at RunComfy. Its status is {@code cancelled}, not {@code failed}.
	 */
	DEADLINE_EXCEEDED("deadline_exceeded", "The job had not started by its deadline %s, so it was cancelled.");

	private final String wireName;

	private final String wording;

	FailureCode(String wireName, String wording) {
		this.wireName = wireName;
		this.wording = wording;
	}

	/** The code as clients see it. */
	@JsonValue
	public String wireName() {
		return this.wireName;
	}

	/**
	 * A failure with this code, its message this code's wording filled with
	 * {@code particulars}.
	 */
	public Failure because(Object... particulars) {
		return new Failure(this, String.format(Locale.ROOT, this.wording, particulars));
	}

	/** A failure as the job records it: the code and the message clients read. */
	public record Failure(FailureCode code, String message) {
	}

}
