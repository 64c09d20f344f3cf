package io.genjobs.gateway.common.web;

import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/** Reads the query and path parameters every listing and resource shares. */
public final class RequestParameters {

	/** Page size of a listing that names none. */
	public static final int DEFAULT_PAGE_SIZE = 20;

	/** Largest page size a client may ask for. */
	public static final int MAX_PAGE_SIZE = 100;

	private RequestParameters() {
	}

	/** {@code limit}: an integer from 1 to {@link #MAX_PAGE_SIZE}, by default 20. */
	public static int limit(@Nullable String limit) {
		return limit(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
	}

	/** {@code limit}: an integer from 1 to {@code max}, {@code fallback} when absent. */
	public static int limit(@Nullable String limit, int fallback, int max) {
		if (limit == null) {
			return fallback;
		}
		if (!limit.isEmpty() && limit.length() <= 9 && limit.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			int value = Integer.parseInt(limit);
			if (value >= 1 && value <= max) {
				return value;
			}
		}
		throw new InvalidParameterException("limit", "must be an integer from 1 to " + max);
	}

	/**
	 * A resource id from the path. A value that is not a UUID cannot name anything, so it
	 * is answered like an unknown id: with the exception {@code notFound} makes.
	 */
	public static UUID id(String id, Function<String, ? extends RuntimeException> notFound) {
		UUID parsed = uuidOrNull(id);
		if (parsed == null) {
			throw notFound.apply(id);
		}
		return parsed;
	}

	/** A UUID query parameter, or {@code 400 invalid-parameter} naming it. */
	public static @Nullable UUID uuid(@Nullable String value, String name, String meaning) {
		if (value == null) {
			return null;
		}
		UUID parsed = uuidOrNull(value);
		if (parsed == null) {
			throw new InvalidParameterException(name, "must be " + meaning);
		}
		return parsed;
	}

	// UUID.fromString accepts shortened groups ("1-1-1-1-1"); only the canonical form
	// names a resource.
	private static @Nullable UUID uuidOrNull(String value) {
		if (value.length() != 36) {
			return null;
		}
		try {
			return UUID.fromString(value);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
