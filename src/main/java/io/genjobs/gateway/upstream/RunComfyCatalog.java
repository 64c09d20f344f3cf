package io.genjobs.gateway.upstream;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.catalog.CatalogSource;

/**
 * RunComfy's catalog as the catalog sync reads it: the same client, base URL and token as
 * jobs use, one call per page. Outside the job traffic's throttle and circuit breaker: a
 * few calls an hour neither need the rate limit's share nor should open the breaker that
 * pauses dispatch; the sync itself retries later when a call fails.
 */
@Component
class RunComfyCatalog implements CatalogSource {

	/** Upper bound on one call, over the client's own time-outs. */
	private static final Duration CALL_LIMIT = Duration.ofMinutes(2);

	private final RunComfyClient client;

	RunComfyCatalog(RunComfyClient client) {
		this.client = client;
	}

	@Override
	public JsonNode page(int limit, int offset) {
		return this.client.models(limit, offset).block(CALL_LIMIT);
	}

	@Override
	public JsonNode model(String modelId) {
		return this.client.model(modelId).block(CALL_LIMIT);
	}

}
