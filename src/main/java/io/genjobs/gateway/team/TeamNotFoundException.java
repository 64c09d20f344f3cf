package io.genjobs.gateway.team;

import java.util.UUID;

import io.genjobs.gateway.common.NotFoundException;

/** No team has the given id. */
public class TeamNotFoundException extends NotFoundException {

	private TeamNotFoundException(Object id) {
		super("team-not-found", "Team not found", "team", id);
	}

	/** For an id, or for a path segment that is not one. */
	static TeamNotFoundException forId(Object id) {
		return new TeamNotFoundException(id);
	}

}
