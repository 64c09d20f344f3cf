package io.genjobs.gateway.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.hibernate.annotations.ColumnTransformer;

import org.springframework.data.domain.Persistable;

/**
 * A team's webhook endpoint: a URL with its own signing secret and the event types it
 * subscribes to (a JSON array of wire names, kept as its exact text). Disabled for good
 * when the consumer answers {@code 410 Gone}.
 */
@Entity
@Table(name = "webhook_endpoints")
class WebhookEndpoint implements Persistable<UUID> {

	@Id
	private UUID id;

	@Column(name = "team_id")
	private UUID teamId;

	private String url;

	@ColumnTransformer(write = "?::jsonb")
	private String events;

	private String secret;

	@Column(name = "created_at")
	private Instant createdAt;

	@Column(name = "disabled_at")
	private Instant disabledAt;

	@Transient
	private boolean isNew;

	protected WebhookEndpoint() {
	}

	WebhookEndpoint(UUID id, UUID teamId, String url, String eventsJson, String secret, Instant createdAt) {
		this.isNew = true;
		this.id = id;
		this.teamId = teamId;
		this.url = url;
		this.events = eventsJson;
		this.secret = secret;
		this.createdAt = createdAt;
	}

	@Override
	public UUID getId() {
		return this.id;
	}

	@Override
	public boolean isNew() {
		return this.isNew;
	}

	@PostPersist
	@PostLoad
	void markNotNew() {
		this.isNew = false;
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

	String secret() {
		return this.secret;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	Instant disabledAt() {
		return this.disabledAt;
	}

}
