package io.genjobs.gateway.team;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The teams that keep their output files for a time of their own, for retention. */
@Component
public class TeamOutputRetention {

	private final JdbcClient jdbc;

	TeamOutputRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Each team with its own retention, and that retention. */
	public Map<UUID, Duration> overrides() {
		return this.jdbc
			.sql("select id, output_retention_seconds from teams where output_retention_seconds is not null")
			.query((rs, row) -> Map.entry(rs.getObject("id", UUID.class),
					Duration.ofSeconds(rs.getLong("output_retention_seconds"))))
			.list()
			.stream()
			.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
	}

}
