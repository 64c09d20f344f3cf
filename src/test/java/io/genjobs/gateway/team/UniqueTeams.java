package io.genjobs.gateway.team;

import java.util.UUID;

/** Teams with unique names, so that tests sharing one database never collide. */
final class UniqueTeams {

	private UniqueTeams() {
	}

	static String uniqueName(String purpose) {
		return purpose + "-" + UUID.randomUUID();
	}

	static TeamView create(TeamAdministration administration, String purpose, Integer rateLimitPerSecond) {
		return administration.create(uniqueName(purpose), rateLimitPerSecond, null);
	}

}
