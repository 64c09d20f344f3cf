package io.genjobs.gateway.support;

import java.util.UUID;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.team.IssuedKey;
import io.genjobs.gateway.team.TeamAdministration;
import io.genjobs.gateway.team.TeamView;

/** Creates teams with an API key for tests, through the team feature's public facade. */
@Component
public class TestTeamsWithKeys {

	private final TeamAdministration administration;

	public TestTeamsWithKeys(TeamAdministration administration) {
		this.administration = administration;
	}

	/** A new team (unique name) with generous limits and one key. */
	public TestTeam create() {
		return create(1000, 1000);
	}

	public TestTeam create(int rateLimitPerSecond, int maxQueuedJobs) {
		TeamView team = this.administration.create("team-" + UUID.randomUUID(), rateLimitPerSecond, maxQueuedJobs);
		IssuedKey key = this.administration.issueKey(team.id());
		return new TestTeam(team.id(), key.key());
	}

	/** A team and the bearer key that authenticates as it. */
	public record TestTeam(UUID id, String key) {

		public String bearer() {
			return "Bearer " + this.key;
		}

	}

}
