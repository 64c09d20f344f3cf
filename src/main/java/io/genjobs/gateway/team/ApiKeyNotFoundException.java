package io.genjobs.gateway.team;

import java.util.UUID;

import io.genjobs.gateway.common.NotFoundException;

/** No API key has the given id. */
public class ApiKeyNotFoundException extends NotFoundException {

	private ApiKeyNotFoundException(String detail) {
		super("api-key-not-found", "API key not found", detail);
	}

	static ApiKeyNotFoundException forId(UUID id) {
		return new ApiKeyNotFoundException("No API key with id " + id + ".");
	}

	static ApiKeyNotFoundException forId(String id) {
		return new ApiKeyNotFoundException("No API key with id '" + id + "'.");
	}

}
