package io.genjobs.gateway.team;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** The team sent more {@code POST /jobs} requests than its rate limit allows. */
class RateLimitedException extends ApiException {

	RateLimitedException(int limitPerSecond, long retryAfterSeconds) {
		super(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Rate limited", "This team may submit " + limitPerSecond
				+ " jobs per second; retry after " + retryAfterSeconds + " s.");
		header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
		extension("retry_after_seconds", retryAfterSeconds);
	}

}
