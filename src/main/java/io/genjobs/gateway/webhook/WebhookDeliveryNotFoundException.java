package io.genjobs.gateway.webhook;

import io.genjobs.gateway.common.NotFoundException;

/** No webhook delivery with this id, or one of another team's (answered the same). */
class WebhookDeliveryNotFoundException extends NotFoundException {

	WebhookDeliveryNotFoundException(Object id) {
		super("webhook-delivery-not-found", "Webhook delivery not found", "No webhook delivery " + id + ".");
	}

}
