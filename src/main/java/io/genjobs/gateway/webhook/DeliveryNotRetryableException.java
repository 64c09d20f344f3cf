package io.genjobs.gateway.webhook;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/**
 * A delivery that cannot be sent again: it was delivered, or its endpoint was disabled
 * (it answered 410 Gone) or deleted.
 */
class DeliveryNotRetryableException extends ApiException {

	DeliveryNotRetryableException(String detail) {
		super(HttpStatus.CONFLICT, "delivery-not-retryable", "Delivery cannot be retried", detail);
	}

}
