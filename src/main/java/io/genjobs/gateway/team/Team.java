package io.genjobs.gateway.team;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import org.springframework.data.domain.Persistable;

/**
 * A team of callers: the unit that owns jobs, webhook endpoints and API keys, and that
 * inbound limits apply to. Field values are checked by {@link TeamConstraints} before
 * they get here.
 */
@Entity
@Table(name = "teams")
class Team implements Persistable<UUID> {

	@Id
	private UUID id;

	private String name;

	private int rateLimitPerSecond;

	private int maxQueuedJobs;

	private Instant createdAt;

	private Instant updatedAt;

	// Ids are assigned here, so Spring Data cannot tell a new team from a detached one by
	// its id; without this flag every save would first select the row to merge it.
	@Transient
	private boolean isNew;

	protected Team() {
	}

	Team(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs, Instant now) {
		this.id = id;
		this.name = name;
		this.rateLimitPerSecond = rateLimitPerSecond;
		this.maxQueuedJobs = maxQueuedJobs;
		this.createdAt = now;
		this.updatedAt = now;
		this.isNew = true;
	}

	/**
	 * Applies the given changes; {@code null} keeps a value. {@code updatedAt} moves only
	 * when something actually changed.
	 */
	void change(String newName, Integer newRateLimitPerSecond, Integer newMaxQueuedJobs, Instant now) {
		boolean changed = false;
		if (newName != null && !newName.equals(this.name)) {
			this.name = newName;
			changed = true;
		}
		if (newRateLimitPerSecond != null && newRateLimitPerSecond != this.rateLimitPerSecond) {
			this.rateLimitPerSecond = newRateLimitPerSecond;
			changed = true;
		}
		if (newMaxQueuedJobs != null && newMaxQueuedJobs != this.maxQueuedJobs) {
			this.maxQueuedJobs = newMaxQueuedJobs;
			changed = true;
		}
		if (changed) {
			this.updatedAt = now;
		}
	}

	@Override
	public UUID getId() {
		return this.id;
	}

	String getName() {
		return this.name;
	}

	int getRateLimitPerSecond() {
		return this.rateLimitPerSecond;
	}

	int getMaxQueuedJobs() {
		return this.maxQueuedJobs;
	}

	Instant getCreatedAt() {
		return this.createdAt;
	}

	Instant getUpdatedAt() {
		return this.updatedAt;
	}

	@Override
	public boolean isNew() {
		return this.isNew;
	}

	@PostLoad
	@PostPersist
	void markNotNew() {
		this.isNew = false;
	}

}
