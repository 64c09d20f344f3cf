package io.genjobs.gateway.team;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as listed: never the key itself, which is shown only once, when issued.
 *
 * @param id the key's id, used to revoke it
 * @param prefix the non-secret start of the key, to tell keys apart
 * @param createdAt when the key was issued
 * @param revokedAt when the key was revoked, or {@code null} while it is active
 */
public record ApiKeyView(UUID id, String prefix, Instant createdAt, Instant revokedAt) {

	static ApiKeyView of(ApiKey key) {
		return new ApiKeyView(key.getId(), key.getKeyPrefix(), key.getCreatedAt(), key.getRevokedAt());
	}

}
