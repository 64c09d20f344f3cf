package io.genjobs.gateway.job;

import java.time.Duration;

import io.genjobs.gateway.common.GatewayException;

/** As many event streams and waits are open as this instance or the team may have. */
class TooManyWatchersException extends GatewayException {

	TooManyWatchersException(String whose, int limit) {
		super(Kind.LIMITED, "too-many-watchers", "Too many open event streams and waits", "There are already " + limit
				+ " event streams and waits open for " + whose + "; close one, or poll GET /jobs/{id}.");
		extension("limit", limit);
		retryAfter(Duration.ofSeconds(5));
	}

}
