package io.genjobs.gateway.team;

import java.time.Duration;

import io.genjobs.gateway.common.GatewayException;

/** Too many failed authentications came from the client's address lately. */
class AuthenticationThrottledException extends GatewayException {

	AuthenticationThrottledException(Duration wait) {
		super(Kind.LIMITED, "authentication-throttled", "Authentication throttled",
				"Too many failed authentications from this address; retry after " + seconds(wait) + " s.");
		retryAfter(Duration.ofSeconds(seconds(wait)));
		extension("retry_after_seconds", seconds(wait));
	}

	private static long seconds(Duration wait) {
		return TeamRateLimiter.retryAfterSeconds(wait.toNanos());
	}

}
