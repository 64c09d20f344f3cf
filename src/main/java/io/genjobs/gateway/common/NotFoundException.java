package io.genjobs.gateway.common;

/**
 * A resource that does not exist, or that belongs to another team (which is answered the
 * same way so that ids of other teams' resources leak nothing).
 */
public class NotFoundException extends GatewayException {

	protected NotFoundException(String typeSlug, String title, String detail) {
		super(Kind.NOT_FOUND, typeSlug, title, detail);
	}

}
