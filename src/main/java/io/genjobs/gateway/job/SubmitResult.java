package io.genjobs.gateway.job;

/**
 * What recording a submit that RunComfy accepted did
 * ({@link JobLifecycle#markSubmitted}).
 */
public sealed interface SubmitResult {

	/** The job is {@code submitted} now. */
	record Recorded() implements SubmitResult {
	}

	/**
	 * The job is {@code submitted} now, and its client asked for a cancel while the
	 * submit was under way: the holder asks RunComfy to cancel it, and the job is
	 * cancelled when RunComfy does.
	 */
	record CancelRequested() implements SubmitResult {
	}

	/**
	 * Nothing recorded: the submit lease was lost (it ran out, and the job was settled
	 * elsewhere), so the job is no longer this holder's. RunComfy's copy is surplus and
	 * should be cancelled there.
	 *
	 * @param status the state the job was found in
	 */
	record LeaseLost(JobStatus status) implements SubmitResult {
	}

}
