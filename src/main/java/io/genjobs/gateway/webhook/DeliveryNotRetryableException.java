package io.genjobs.gateway.webhook;

import io.genjobs.gateway.common.GatewayException;

/**
 * A delivery that cannot be sent again: it was delivered, or its endpoint was disabled
 * (it answered 410 Gone) or deleted.
 */
class DeliveryNotRetryableException extends GatewayException {

	DeliveryNotRetryableException(String detail) {
		super(Kind.CONFLICT, "delivery-not-retryable", "Delivery cannot be retried", detail);
	}

}
