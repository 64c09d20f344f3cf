package io.genjobs.gateway.team;

import io.genjobs.gateway.common.GatewayException;

/** No admin token is configured, which turns the admin API off. */
class AdminApiDisabledException extends GatewayException {

	AdminApiDisabledException() {
		super(Kind.FORBIDDEN, "admin-api-disabled", "Admin API disabled",
				"The admin API is off on this gateway: set gateway.admin-token (GATEWAY_ADMIN_TOKEN) to turn it on.");
	}

}
