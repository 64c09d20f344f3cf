package io.genjobs.gateway.job;

import io.genjobs.gateway.common.GatewayException;

/**
 * The job can no longer be cancelled: it finished, or RunComfy has started rendering it.
 */
class NotCancellableException extends GatewayException {

	NotCancellableException(JobView job, String why) {
		super(Kind.CONFLICT, "not-cancellable", "Job cannot be cancelled", why);
		extension("job", job);
	}

}
