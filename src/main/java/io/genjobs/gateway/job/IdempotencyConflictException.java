package io.genjobs.gateway.job;

import java.util.UUID;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** An {@code Idempotency-Key} reused with a different request body. */
class IdempotencyConflictException extends ApiException {

	IdempotencyConflictException(UUID existingJobId) {
		super(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency-Key reused",
				"This Idempotency-Key was already used with a different request body (job " + existingJobId
						+ "); use a new key for a new job.");
		extension("job_id", existingJobId);
	}

}
