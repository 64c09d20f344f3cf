package io.genjobs.gateway.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A delivery as {@code GET /webhooks/deliveries} shows it: one event to one target, its
 * attempts oldest first, and when the next one is due (null once delivered or failed).
 * {@code endpoint_id} is null for a job's own {@code webhook_url}.
 */
record DeliveryView(UUID id, String eventId, String eventType, UUID jobId, UUID endpointId, String url,
		DeliveryState status, List<Attempt> attempts, Instant nextAttemptAt, Instant createdAt) {

	/**
	 * One attempt: when, the consumer's status code (none without an answer), why it
	 * failed.
	 */
	record Attempt(Instant at, Integer statusCode, String error) {
	}

}
