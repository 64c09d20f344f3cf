package io.genjobs.gateway.team;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** A team's API key was sent to the admin API, which only the admin token opens. */
class AdminAccessDeniedException extends ApiException {

	AdminAccessDeniedException() {
		super(HttpStatus.FORBIDDEN, "admin-access-denied", "Forbidden",
				"API keys cannot use the admin API; it requires the admin token.");
	}

}
