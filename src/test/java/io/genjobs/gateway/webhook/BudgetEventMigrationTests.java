package io.genjobs.gateway.webhook;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.genjobs.gateway.TestDatabase;
import io.genjobs.gateway.TestDatabase.ServerDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V15 gives endpoints registered before it, without {@code events} (so with all five job
 * events), the budget event too; endpoints that chose their events keep them. Runs the
 * real migrations on a schema of its own: up to V14, then the rows, then V15.
 */
class BudgetEventMigrationTests {

	private static final String ALL_JOB_EVENTS = "[\"job.submitted\", \"job.running\", \"job.succeeded\", \"job.failed\", \"job.cancelled\"]";

	@Test
	void endpointsWithEveryJobEventGetTheBudgetEventAndOthersKeepTheirChoice() throws SQLException {
		ServerDatabase database = TestDatabase.serverDatabase();
		String schema = "migration_v15_" + UUID.randomUUID().toString().substring(0, 8);
		migrate(database, schema, "14");
		UUID team = UUID.randomUUID();
		UUID everything = UUID.randomUUID();
		UUID succeededOnly = UUID.randomUUID();
		try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
				Statement statement = connection.createStatement()) {
			statement.execute("set search_path to " + schema);
			statement.execute("insert into teams (id, name, rate_limit_per_second, max_queued_jobs, created_at, "
					+ "updated_at) values ('" + team + "', 'before-v15', 5, 10, now(), now())");
			insertEndpoint(statement, everything, team, ALL_JOB_EVENTS);
			insertEndpoint(statement, succeededOnly, team, "[\"job.succeeded\"]");
		}
		migrate(database, schema, "15");
		try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
				Statement statement = connection.createStatement()) {
			statement.execute("set search_path to " + schema);
			assertThat(events(statement, everything)).contains("budget.threshold_reached", "job.succeeded",
					"job.cancelled");
			assertThat(events(statement, succeededOnly)).isEqualTo("[\"job.succeeded\"]");
			statement.execute("drop schema " + schema + " cascade");
		}
	}

	private static void migrate(ServerDatabase database, String schema, String target) {
		Flyway.configure()
			.dataSource(database.url(), database.user(), database.password())
			.schemas(schema)
			.locations("classpath:db/migration")
			.target(target)
			.load()
			.migrate();
	}

	private static void insertEndpoint(Statement statement, UUID id, UUID team, String events) throws SQLException {
		statement.execute("insert into webhook_endpoints (id, team_id, url, events, secret, created_at) values ('" + id
				+ "', '" + team + "', 'https://consumer.example/hook', '" + events + "'::jsonb, 'v1:test', now())");
	}

	private static String events(Statement statement, UUID id) throws SQLException {
		try (ResultSet rows = statement.executeQuery("select events from webhook_endpoints where id = '" + id + "'")) {
			assertThat(rows.next()).isTrue();
			return rows.getString(1);
		}
	}

}
