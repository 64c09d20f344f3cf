package io.genjobs.gateway.ops;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.team.TeamAdministration;
import io.genjobs.gateway.team.TeamNotFoundException;

/**
 * Team names for metric tags: dashboards read better by name than by id. Names are cached
 * for a while, so a renamed team shows under its new name within minutes (as a new
 * series).
 */
@Component
class TeamNames {

	static final String UNKNOWN = "unknown";

	private final TeamAdministration administration;

	private final Cache<UUID, String> names = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterWrite(Duration.ofMinutes(5))
		.build();

	TeamNames(TeamAdministration administration) {
		this.administration = administration;
	}

	String nameOf(UUID teamId) {
		if (teamId == null) {
			return UNKNOWN;
		}
		return this.names.get(teamId, this::lookUp);
	}

	/** A name already known (from an authenticated request): no lookup needed. */
	void remember(UUID teamId, String name) {
		this.names.put(teamId, name);
	}

	private String lookUp(UUID teamId) {
		try {
			return this.administration.get(teamId).name();
		}
		catch (TeamNotFoundException ex) {
			return UNKNOWN;
		}
	}

}
