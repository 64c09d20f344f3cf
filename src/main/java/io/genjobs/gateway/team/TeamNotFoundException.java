package io.genjobs.gateway.team;

import java.util.UUID;

import io.genjobs.gateway.common.NotFoundException;

/** No team has the given id. */
public class TeamNotFoundException extends NotFoundException {

	private TeamNotFoundException(String detail) {
		super("team-not-found", "Team not found", detail);
	}

	static TeamNotFoundException forId(UUID id) {
		return new TeamNotFoundException("No team with id " + id + ".");
	}

	static TeamNotFoundException forId(String id) {
		return new TeamNotFoundException("No team with id '" + id + "'.");
	}

}
