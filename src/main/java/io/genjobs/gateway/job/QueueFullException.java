package io.genjobs.gateway.job;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** The team already has as many queued jobs as it may. */
class QueueFullException extends ApiException {

	QueueFullException(int maxQueuedJobs) {
		super(HttpStatus.TOO_MANY_REQUESTS, "queue-full", "Too many queued jobs", "The team already has "
				+ maxQueuedJobs + " queued jobs, its limit; submit more once some have been sent to RunComfy.");
		extension("max_queued_jobs", maxQueuedJobs);
		header(HttpHeaders.RETRY_AFTER, "5");
	}

}
