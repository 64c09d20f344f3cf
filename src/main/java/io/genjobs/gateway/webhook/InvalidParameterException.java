package io.genjobs.gateway.webhook;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** A query parameter with a value the endpoint cannot use. */
class InvalidParameterException extends ApiException {

	InvalidParameterException(String parameter, String problem) {
		super(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", parameter + " " + problem);
		extension("parameter", parameter);
	}

}
