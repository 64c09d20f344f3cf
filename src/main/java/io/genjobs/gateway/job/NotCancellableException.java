package io.genjobs.gateway.job;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/**
 * The job can no longer be cancelled: it finished, or RunComfy has started rendering it.
 */
class NotCancellableException extends ApiException {

	NotCancellableException(JobView job, String why) {
		super(HttpStatus.CONFLICT, "not-cancellable", "Job cannot be cancelled", why);
		extension("job", job);
	}

}
