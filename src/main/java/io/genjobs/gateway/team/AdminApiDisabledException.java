package io.genjobs.gateway.team;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** No admin token is configured, which turns the admin API off. */
class AdminApiDisabledException extends ApiException {

	AdminApiDisabledException() {
		super(HttpStatus.FORBIDDEN, "admin-api-disabled", "Admin API disabled",
				"The admin API is off on this gateway: set gateway.admin-token (GATEWAY_ADMIN_TOKEN) to turn it on.");
	}

}
