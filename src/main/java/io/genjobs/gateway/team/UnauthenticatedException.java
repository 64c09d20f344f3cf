package io.genjobs.gateway.team;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/**
 * The request carries no valid credential. One answer for every reason (no header, a
 * malformed one, an unknown or revoked key), so that it tells a caller nothing about
 * which keys exist.
 */
class UnauthenticatedException extends ApiException {

	private UnauthenticatedException(String detail) {
		super(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", detail);
		header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
	}

	static UnauthenticatedException apiKeyRequired() {
		return new UnauthenticatedException("A valid API key is required: send 'Authorization: Bearer <api key>'.");
	}

	static UnauthenticatedException adminTokenRequired() {
		return new UnauthenticatedException(
				"The admin API requires the admin token: send 'Authorization: Bearer <admin token>'.");
	}

}
