package io.genjobs.gateway.job;

import java.util.UUID;

/**
 * A state change the state machine does not allow; a bug in the caller, never client
 * input.
 */
public class IllegalTransitionException extends IllegalStateException {

	IllegalTransitionException(UUID jobId, JobStatus from, JobStatus to) {
		super("Job " + jobId + " cannot move from " + from.wireName() + " to " + to.wireName());
	}

}
