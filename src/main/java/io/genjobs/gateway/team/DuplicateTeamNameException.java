package io.genjobs.gateway.team;

import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** Another team already has the name. */
public class DuplicateTeamNameException extends ApiException {

	DuplicateTeamNameException(String name) {
		super(HttpStatus.CONFLICT, "duplicate-team-name", "Duplicate team name",
				"A team named '" + name + "' already exists.");
	}

}
