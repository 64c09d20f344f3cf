package io.genjobs.gateway.team;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.genjobs.gateway.common.persistence.CreatedEntity;

/**
 * A team of callers: the unit that owns jobs, webhook endpoints and API keys, and that
 * inbound limits apply to. Field values are checked by {@link TeamConstraints} before
 * they get here.
 */
@Entity
@Table(name = "teams")
class Team extends CreatedEntity<Team> {

	private String name;

	private int rateLimitPerSecond;

	private int maxQueuedJobs;

	private Instant updatedAt;

	private Instant disabledAt;

	protected Team() {
	}

	Team(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs, Instant now) {
		super(id, now);
		this.name = name;
		this.rateLimitPerSecond = rateLimitPerSecond;
		this.maxQueuedJobs = maxQueuedJobs;
		this.updatedAt = now;
	}

	/**
	 * Applies the given changes; {@code null} keeps a value. {@code updatedAt} moves only
	 * when something actually changed.
	 */
	void change(String newName, Integer newRateLimitPerSecond, Integer newMaxQueuedJobs, Boolean disabled,
			Instant now) {
		boolean changed = false;
		if (disabled != null && disabled != (this.disabledAt != null)) {
			this.disabledAt = disabled ? now : null;
			changed = true;
		}
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

	String getName() {
		return this.name;
	}

	int getRateLimitPerSecond() {
		return this.rateLimitPerSecond;
	}

	int getMaxQueuedJobs() {
		return this.maxQueuedJobs;
	}

	Instant getUpdatedAt() {
		return this.updatedAt;
	}

	/** When an admin disabled the team; {@code null} while it is enabled. */
	Instant getDisabledAt() {
		return this.disabledAt;
	}

}
