package io.genjobs.gateway.job;

import jakarta.persistence.EntityManager;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records every {@link JobTransitioned} after a job's creation as a history row (the
 * creation itself is written with the job by {@link JobInserts}). Runs synchronously
 * inside the transaction that saved the job, so a state change and its history commit or
 * roll back together.
 */
@Component
class JobHistory {

	private final JobTransitions transitions;

	private final EntityManager entityManager;

	JobHistory(JobTransitions transitions, EntityManager entityManager) {
		this.transitions = transitions;
		this.entityManager = entityManager;
	}

	@EventListener
	void on(JobTransitioned event) {
		if (event.from() == null) {
			// A job's creation is stored with the job itself, in one statement
			// (JobInserts).
			return;
		}
		// The job's own insert or versioned update goes first: Hibernate would otherwise
		// run this insert
		// before the update, and a concurrent change would surface as a duplicate history
		// row instead of
		// the version conflict that callers retry.
		this.entityManager.flush();
		this.transitions.save(new JobTransition(event));
	}

}
