package io.genjobs.gateway.job;

import java.util.UUID;

import io.genjobs.gateway.common.GatewayException;

/** An {@code Idempotency-Key} reused with a different request body. */
class IdempotencyConflictException extends GatewayException {

	IdempotencyConflictException(UUID existingJobId) {
		super(Kind.CONFLICT, "idempotency-key-reused", "Idempotency-Key reused",
				"This Idempotency-Key was already used with a different request body (job " + existingJobId
						+ "); use a new key for a new job.");
		extension("job_id", existingJobId);
	}

}
