package io.genjobs.gateway.job;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** A query parameter or header with a value the endpoint cannot use. */
class InvalidParameterException extends ApiException {

	InvalidParameterException(String parameter, String problem) {
		super(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", parameter + " " + problem);
		extension("parameter", parameter);
	}

}
