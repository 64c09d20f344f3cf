package io.genjobs.gateway.webhook;

import io.genjobs.gateway.common.GatewayException;

/**
 * The team has as many endpoints as {@code gateway.webhooks.max-endpoints-per-team}
 * allows: one must be deleted before another is registered.
 */
class WebhookEndpointLimitException extends GatewayException {

	WebhookEndpointLimitException(int limit) {
		super(Kind.CONFLICT, "webhook-endpoint-limit-reached", "Webhook endpoint limit reached", "This team has "
				+ limit + " webhook endpoints, the most it may have; delete one before registering another.");
		extension("max_endpoints", limit);
	}

}
