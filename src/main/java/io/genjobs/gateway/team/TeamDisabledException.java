package io.genjobs.gateway.team;

import io.genjobs.gateway.common.GatewayException;

/** The key is valid, but an admin disabled its team: nothing it asks is done. */
class TeamDisabledException extends GatewayException {

	TeamDisabledException() {
		super(Kind.FORBIDDEN, "team-disabled", "Team disabled",
				"This key's team is disabled; an administrator can enable it again.");
	}

}
