package io.genjobs.gateway.common.web;

import org.springframework.http.HttpStatus;

/** A query parameter or header with a value the endpoint cannot use. */
public class InvalidParameterException extends ApiException {

	public InvalidParameterException(String parameter, String problem) {
		super(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", parameter + " " + problem);
		extension("parameter", parameter);
	}

}
