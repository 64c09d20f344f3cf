package io.genjobs.gateway.webhook;

import io.genjobs.gateway.common.NotFoundException;

/** No webhook endpoint with this id, or one of another team's (answered the same). */
class WebhookEndpointNotFoundException extends NotFoundException {

	WebhookEndpointNotFoundException(Object id) {
		super("webhook-endpoint-not-found", "Webhook endpoint not found", "No webhook endpoint " + id + ".");
	}

}
