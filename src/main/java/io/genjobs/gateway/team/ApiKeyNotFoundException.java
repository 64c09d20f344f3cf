package io.genjobs.gateway.team;

import java.util.UUID;

import io.genjobs.gateway.common.NotFoundException;

/** No API key has the given id. */
public class ApiKeyNotFoundException extends NotFoundException {

	private ApiKeyNotFoundException(Object id) {
		super("api-key-not-found", "API key not found", "API key", id);
	}

	/** For an id, or for a path segment that is not one. */
	static ApiKeyNotFoundException forId(Object id) {
		return new ApiKeyNotFoundException(id);
	}

}
