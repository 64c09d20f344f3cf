package io.genjobs.gateway.job;

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

	JobHistory(JobTransitions transitions) {
		this.transitions = transitions;
	}

	@EventListener
	void on(JobTransitioned event) {
		this.transitions.save(new JobTransition(event));
	}

}
