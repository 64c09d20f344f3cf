package io.genjobs.gateway.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code GET /jobs/{id}}: one indexed {@code SELECT} mapped straight to the
 * {@link JobView}, without an entity, a persistence context or a Hibernate session, on
 * the path clients poll most.
 */
@Component
class JobReads {

	private static final String SELECT = """
			select id, model, status, input::text as input, output::text as output, error_code, error_message,
			       metadata::text as metadata, webhook_url, webhook_events::text as webhook_events,
			       upstream_request_id, upstream_queue_position, attempts, sequence, created_at, updated_at,
			       submitted_at, completed_at
			from jobs where id = ? and team_id = ?""";

	private final JdbcClient jdbc;

	JobReads(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The team's job with this id, as the API shows it. */
	Optional<JobView> find(UUID id, UUID teamId) {
		return this.jdbc.sql(SELECT).params(id, teamId).query(JobReads::view).optional();
	}

	private static JobView view(ResultSet row, int rowNumber) throws SQLException {
		String errorCode = row.getString("error_code");
		JobView.Error error = (errorCode != null) ? new JobView.Error(errorCode, row.getString("error_message")) : null;
		return new JobView(row.getObject("id", UUID.class), row.getString("model"),
				JobStatus.fromWireName(row.getString("status")), row.getString("input"), row.getString("output"), error,
				row.getString("metadata"), row.getString("webhook_url"), row.getString("webhook_events"),
				new JobView.Upstream(row.getString("upstream_request_id"),
						row.getObject("upstream_queue_position", Integer.class)),
				row.getInt("attempts"), row.getInt("sequence"), instant(row, "created_at"), instant(row, "updated_at"),
				instant(row, "submitted_at"), instant(row, "completed_at"));
	}

	private static Instant instant(ResultSet row, String column) throws SQLException {
		OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
