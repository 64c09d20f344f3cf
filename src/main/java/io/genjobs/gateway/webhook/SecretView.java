package io.genjobs.gateway.webhook;

import java.time.Instant;

/**
 * The team's signing secret for its jobs' own {@code webhook_url} deliveries; after a
 * rotation, when the previous secret stops signing too (null when it no longer does).
 */
record SecretView(String secret, Instant previousSecretExpiresAt) {

	@Override
	public String toString() {
		return "SecretView[previousSecretExpiresAt=" + this.previousSecretExpiresAt + "]";
	}

}
