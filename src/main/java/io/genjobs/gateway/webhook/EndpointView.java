package io.genjobs.gateway.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A team's webhook endpoint as the API shows it, secret included (the team needs it to
 * verify deliveries). {@code disabled_at} is set once the endpoint answered 410 Gone.
 */
record EndpointView(UUID id, String url, List<String> events, String secret, Instant disabledAt, Instant createdAt) {

	@Override
	public String toString() {
		return "EndpointView[id=" + this.id + ", events=" + this.events + ", disabledAt=" + this.disabledAt + "]";
	}

}
