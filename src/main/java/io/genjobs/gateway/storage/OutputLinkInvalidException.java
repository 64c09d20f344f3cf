package io.genjobs.gateway.storage;

import io.genjobs.gateway.common.GatewayException;

/** A signed output link whose signature is wrong or whose time is up. */
final class OutputLinkInvalidException extends GatewayException {

	OutputLinkInvalidException() {
		super(Kind.FORBIDDEN, "output-link-invalid", "Output link invalid or expired",
				"The link's signature does not match, or it has expired: read the job again for fresh links.");
	}

}
