package io.genjobs.gateway.job;

import java.util.UUID;

/**
 * The feature that keeps jobs' output files (the storage feature implements it): a job
 * whose output names files waits in {@code running} until they are copied
 * ({@link JobOutputCopies}), and the job's view links to the copies.
 */
public interface OutputKeeper {

	/** Whether outputs are copied at all; when not, jobs succeed with RunComfy's URLs. */
	boolean copiesOutputs();

	/**
	 * An absolute link to file {@code n} of the job that works without a key until the
	 * link's expiry (signed afresh on every call).
	 */
	String signedLink(UUID jobId, int n);

	/** Called after a commit that left a job's outputs waiting to be copied. */
	void copiesPending();

}
