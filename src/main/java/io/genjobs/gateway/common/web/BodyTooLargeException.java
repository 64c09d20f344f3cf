package io.genjobs.gateway.common.web;

import io.genjobs.gateway.common.GatewayException;
import org.springframework.util.unit.DataSize;

/** The declared request body is larger than the gateway accepts. */
public class BodyTooLargeException extends GatewayException {

	BodyTooLargeException(long declared, DataSize limit) {
		super(Kind.TOO_LARGE, "body-too-large", "Request body too large",
				"The request body has " + declared + " bytes; the limit is " + limit.toBytes() + " bytes.");
		extension("limit_bytes", limit.toBytes());
	}

}
