package io.genjobs.gateway.team;

import io.genjobs.gateway.common.GatewayException;

/** A team's API key was sent to the admin API, which only the admin token opens. */
class AdminAccessDeniedException extends GatewayException {

	AdminAccessDeniedException() {
		super(Kind.FORBIDDEN, "admin-access-denied", "Forbidden",
				"API keys cannot use the admin API; it requires the admin token.");
	}

}
