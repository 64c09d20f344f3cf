package io.genjobs.gateway.job;

import java.util.UUID;
import java.util.function.Function;

import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one of a {@link Job}'s commands: loads the job, applies the command and saves the
 * job (with the transitions it registered), in one short transaction.
 */
@Component
class JobChanges {

	private static final int MAX_CONFLICT_RETRIES = 5;

	private final Jobs jobs;

	private final TransactionTemplate transaction;

	JobChanges(Jobs jobs, TransactionTemplate transaction) {
		this.jobs = jobs;
		this.transaction = transaction;
	}

	/**
	 * Applies {@code command} to the job and answers what it answered. A concurrent
	 * change to the same job (a poll claim, a cancel request) makes the save fail its
	 * version check; the command then runs again on the fresh job, which is safe because
	 * every command first checks the state it finds.
	 */
	<T> T apply(UUID jobId, Function<Job, T> command) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.transaction.execute((status) -> {
					Job job = this.jobs.findById(jobId).orElseThrow(() -> JobNotFoundException.forId(jobId));
					T answer = command.apply(job);
					this.jobs.save(job);
					return answer;
				});
			}
			catch (ObjectOptimisticLockingFailureException ex) {
				if (attempt == MAX_CONFLICT_RETRIES) {
					throw ex;
				}
			}
		}
	}

}
