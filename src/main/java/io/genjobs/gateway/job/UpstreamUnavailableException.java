package io.genjobs.gateway.job;

import java.time.Duration;

import io.genjobs.gateway.common.GatewayException;

/** RunComfy could not be reached to do what the client asked (cancel a job). */
class UpstreamUnavailableException extends GatewayException {

	UpstreamUnavailableException(String detail) {
		super(Kind.UNAVAILABLE, "upstream-unavailable", "RunComfy unavailable", detail);
		retryAfter(Duration.ofSeconds(5));
	}

}
