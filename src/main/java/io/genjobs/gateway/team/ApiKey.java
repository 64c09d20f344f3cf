package io.genjobs.gateway.team;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.genjobs.gateway.common.persistence.CreatedEntity;

/**
 * An API key of one team. Only the key's SHA-256 hash is kept (see
 * {@link ApiKeySecrets}), plus a short prefix of the key that lets people tell their keys
 * apart without revealing them. Revocation is a timestamp, never a delete, so the key's
 * history stays visible.
 */
@Entity
@Table(name = "api_keys")
class ApiKey extends CreatedEntity<ApiKey> {

	private UUID teamId;

	private String keyHash;

	private String keyPrefix;

	private Instant revokedAt;

	protected ApiKey() {
	}

	ApiKey(UUID id, UUID teamId, String keyHash, String keyPrefix, Instant now) {
		super(id, now);
		this.teamId = teamId;
		this.keyHash = keyHash;
		this.keyPrefix = keyPrefix;
	}

	/** Revokes the key; revoking a revoked key keeps the first revocation time. */
	void revoke(Instant now) {
		if (this.revokedAt == null) {
			this.revokedAt = now;
		}
	}

	boolean isRevoked() {
		return this.revokedAt != null;
	}

	UUID getTeamId() {
		return this.teamId;
	}

	String getKeyPrefix() {
		return this.keyPrefix;
	}

	Instant getRevokedAt() {
		return this.revokedAt;
	}

	// Deliberately no toString with the hash in it: entities end up in logs.
	@Override
	public String toString() {
		return "ApiKey[id=" + getId() + ", teamId=" + this.teamId + ", prefix=" + this.keyPrefix + "]";
	}

}
