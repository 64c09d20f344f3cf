package io.genjobs.gateway.team;

import java.time.Duration;

import io.genjobs.gateway.common.GatewayException;

/**
 * The team sent more {@code POST /jobs} (or {@code POST /jobs/{id}/cancel}) requests than
 * its rate limit allows.
 */
class RateLimitedException extends GatewayException {

	RateLimitedException(String action, int limitPerSecond, long retryAfterSeconds) {
		super(Kind.LIMITED, "rate-limited", "Rate limited", "This team may " + action + " " + limitPerSecond
				+ " jobs per second; retry after " + retryAfterSeconds + " s.");
		retryAfter(Duration.ofSeconds(retryAfterSeconds));
		extension("retry_after_seconds", retryAfterSeconds);
	}

}
