package io.genjobs.gateway.team;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The teams an admin disabled, for features that hold a team's work back while it is
 * disabled (the dispatcher leaves their queued jobs waiting). One query for all of them:
 * the list is as short as the number of disabled teams.
 */
@Component
public class DisabledTeams {

	private final JdbcClient jdbc;

	DisabledTeams(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The ids of every disabled team, now. */
	public List<UUID> ids() {
		return this.jdbc.sql("select id from teams where disabled_at is not null").query(UUID.class).list();
	}

}
