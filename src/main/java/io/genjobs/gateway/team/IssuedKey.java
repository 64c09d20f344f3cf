package io.genjobs.gateway.team;

import java.time.Instant;
import java.util.UUID;

/**
 * A newly issued API key. This is the only time the key is available: the gateway keeps
 * just its hash.
 *
 * @param id the key's id, used to revoke it
 * @param key the secret key, for {@code Authorization: Bearer <key>}
 * @param prefix the non-secret start of the key, as key lists show it
 * @param createdAt when the key was issued
 */
public record IssuedKey(UUID id, String key, String prefix, Instant createdAt) {

	// The generated toString would print the key wherever the record is logged.
	@Override
	public String toString() {
		return "IssuedKey[id=" + this.id + ", prefix=" + this.prefix + ", createdAt=" + this.createdAt + "]";
	}

}
