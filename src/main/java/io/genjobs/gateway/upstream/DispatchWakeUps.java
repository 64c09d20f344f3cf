package io.genjobs.gateway.upstream;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import io.genjobs.gateway.job.JobStatus;
import io.genjobs.gateway.job.JobTransitioned;

/**
 * Starts a dispatcher round as soon as there is something to do on this instance (a job
 * was accepted, or one left RunComfy and freed a slot), instead of at the next interval.
 * Other instances find the work at their next interval.
 */
@Component
class DispatchWakeUps {

	private final Dispatcher dispatcher;

	DispatchWakeUps(Dispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	// fallbackExecution: a job accepted far from its team's cap is stored by one
	// autocommitted statement, outside any transaction (JobService).
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(JobTransitioned event) {
		if (event.to() == JobStatus.QUEUED || event.to().isTerminal()) {
			this.dispatcher.wake();
		}
	}

}
