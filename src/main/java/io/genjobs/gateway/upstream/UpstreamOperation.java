package io.genjobs.gateway.upstream;

import java.util.Locale;

/**
 * The calls of RunComfy's Model API: the four about jobs, and reading the model catalog
 * ({@code GET /v1/models}, {@code GET /v1/models/{id}}).
 */
public enum UpstreamOperation {

	SUBMIT, STATUS, RESULT, CANCEL, CATALOG;

	/** Lower-case name, as used in messages and metric tags. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
