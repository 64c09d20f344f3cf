package io.genjobs.gateway.common;

import java.util.UUID;

/**
 * A resource that does not exist, or that belongs to another team (which is answered the
 * same way so that ids of other teams' resources leak nothing).
 */
public class NotFoundException extends GatewayException {

	protected NotFoundException(String typeSlug, String title, String detail) {
		super(Kind.NOT_FOUND, typeSlug, title, detail);
	}

	/**
	 * "No {@code what} with id {@code id}.": a {@link UUID} as it is, any other text (a
	 * path segment that is not even an id) quoted.
	 */
	protected NotFoundException(String typeSlug, String title, String what, Object id) {
		this(typeSlug, title, "No " + what + " with id " + ((id instanceof UUID) ? id : "'" + id + "'") + ".");
	}

}
