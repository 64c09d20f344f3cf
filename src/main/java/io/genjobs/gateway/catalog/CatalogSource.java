package io.genjobs.gateway.catalog;

import tools.jackson.databind.JsonNode;

/**
 * Where the catalog is synced from: RunComfy's Model API ({@code upstream} provides it).
 * Both calls block (call them from a virtual thread) and end within the client's
 * time-outs; a failure is any runtime exception, whose message is safe to log.
 */
public interface CatalogSource {

	/**
	 * One page of {@code GET /v1/models?include_schema=true&limit=&offset=}: RunComfy's
	 * answer, {@code {"models": [...], "total"}}, as it came.
	 */
	JsonNode page(int limit, int offset);

	/** {@code GET /v1/models/{model_id}}: one entry, as it came. */
	JsonNode model(String modelId);

}
