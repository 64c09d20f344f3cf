package io.genjobs.gateway.common.web;

import io.genjobs.gateway.common.GatewayException;

/** A query parameter or header with a value the endpoint cannot use. */
public class InvalidParameterException extends GatewayException {

	public InvalidParameterException(String parameter, String problem) {
		super(Kind.BAD_REQUEST, "invalid-parameter", "Invalid parameter", parameter + " " + problem);
		extension("parameter", parameter);
	}

}
