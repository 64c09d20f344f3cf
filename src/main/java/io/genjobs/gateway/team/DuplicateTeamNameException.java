package io.genjobs.gateway.team;

import io.genjobs.gateway.common.GatewayException;

/** Another team already has the name. */
public class DuplicateTeamNameException extends GatewayException {

	DuplicateTeamNameException(String name) {
		super(Kind.CONFLICT, "duplicate-team-name", "Duplicate team name",
				"A team named '" + name + "' already exists.");
	}

}
