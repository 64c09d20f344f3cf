package io.genjobs.gateway.job;

import java.time.Duration;

import io.genjobs.gateway.common.GatewayException;

/** The team already has as many queued jobs as it may. */
class QueueFullException extends GatewayException {

	QueueFullException(int maxQueuedJobs) {
		super(Kind.LIMITED, "queue-full", "Too many queued jobs", "The team already has " + maxQueuedJobs
				+ " queued jobs, its limit; submit more once some have been sent to RunComfy.");
		extension("max_queued_jobs", maxQueuedJobs);
		retryAfter(Duration.ofSeconds(5));
	}

}
