package io.genjobs.gateway.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import io.genjobs.gateway.common.persistence.CreatedEntity;

/**
 * A team's webhook endpoint: a URL with its own signing secret and the event types it
 * subscribes to (a JSON array of wire names, kept as its exact text). Disabled for good
 * when the consumer answers {@code 410 Gone}.
 */
@Entity
@Table(name = "webhook_endpoints")
class WebhookEndpoint extends CreatedEntity<WebhookEndpoint> {

	private UUID teamId;

	private String url;

	@ColumnTransformer(write = "?::jsonb")
	private String events;

	/**
	 * Encrypted ({@link SecretsAtRest#endpointSecret}): the entity never holds it plain.
	 */
	private String secret;

	private Instant disabledAt;

	protected WebhookEndpoint() {
	}

	WebhookEndpoint(UUID id, UUID teamId, String url, String eventsJson, String sealedSecret, Instant createdAt) {
		super(id, createdAt);
		this.teamId = teamId;
		this.url = url;
		this.events = eventsJson;
		this.secret = sealedSecret;
	}

	UUID teamId() {
		return this.teamId;
	}

	String url() {
		return this.url;
	}

	String eventsJson() {
		return this.events;
	}

	/** The secret as stored: encrypted. */
	String sealedSecret() {
		return this.secret;
	}

	Instant disabledAt() {
		return this.disabledAt;
	}

}
