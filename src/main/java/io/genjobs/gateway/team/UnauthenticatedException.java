package io.genjobs.gateway.team;

import io.genjobs.gateway.common.GatewayException;

/**
 * The request carries no valid credential. One answer for every reason (no header, a
 * malformed one, an unknown or revoked key), so that it tells a caller nothing about
 * which keys exist.
 */
class UnauthenticatedException extends GatewayException {

	private UnauthenticatedException(String detail) {
		super(Kind.UNAUTHENTICATED, "unauthenticated", "Unauthenticated", detail);
	}

	static UnauthenticatedException apiKeyRequired() {
		return new UnauthenticatedException("A valid API key is required: send 'Authorization: Bearer <api key>'.");
	}

	static UnauthenticatedException adminTokenRequired() {
		return new UnauthenticatedException(
				"The admin API requires the admin token: send 'Authorization: Bearer <admin token>'.");
	}

}
