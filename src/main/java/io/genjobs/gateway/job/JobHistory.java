package io.genjobs.gateway.job;

import jakarta.persistence.EntityManager;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records every {@link JobTransitioned} as a history row. Runs synchronously inside the
 * transaction that saved the job, so a state change and its history commit or roll back
 * together.
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
		// The job's own insert or versioned update goes first: Hibernate would otherwise
		// run this insert
		// before the update, and a concurrent change would surface as a duplicate history
		// row instead of
		// the version conflict that callers retry.
		this.entityManager.flush();
		this.transitions.save(new JobTransition(event));
	}

}
