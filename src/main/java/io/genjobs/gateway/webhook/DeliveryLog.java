package io.genjobs.gateway.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.web.PageCursor;

/**
 * Reads the delivery log: a team's deliveries newest first, by keyset on
 * {@code (created_at, id)} like {@code GET /jobs}, and each one's attempts. The SQL is
 * built per filter so each variant gets its index: {@code webhook_deliveries_job_idx}
 * with a job, {@code webhook_deliveries_team_unfinished_idx} for pending or failed, and
 * {@code webhook_deliveries_team_created_idx} otherwise.
 */
@Component
class DeliveryLog {

	private static final String COLUMNS = "id, event_id, event_type, job_id, endpoint_id, url, status, "
			+ "next_attempt_at, created_at";

	private final JdbcClient jdbc;

	DeliveryLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Up to {@code limit} of the team's deliveries after {@code after} (newest first).
	 */
	List<DeliveryView> page(UUID teamId, UUID jobId, DeliveryState status, PageCursor after, int limit) {
		StringBuilder sql = new StringBuilder("select " + COLUMNS + " from webhook_deliveries where team_id = :teamId");
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("teamId", teamId);
		if (jobId != null) {
			sql.append(" and job_id = :jobId");
			params.put("jobId", jobId);
		}
		if (status != null) {
			// Written out, not bound: the partial index names its states.
			sql.append(" and status = ").append(status.literal());
		}
		if (after != null) {
			sql.append(" and (created_at, id) < (:afterCreatedAt, :afterId)");
			params.put("afterCreatedAt", Timestamp.from(after.createdAt()));
			params.put("afterId", after.id());
		}
		sql.append(" order by created_at desc, id desc limit :limit");
		params.put("limit", limit);
		List<Row> rows = this.jdbc.sql(sql.toString()).params(params).query(DeliveryLog::row).list();
		return withAttempts(rows);
	}

	/** One of the team's deliveries. */
	Optional<DeliveryView> find(UUID teamId, UUID id) {
		List<Row> rows = this.jdbc
			.sql("select " + COLUMNS + " from webhook_deliveries where id = :id and team_id = :teamId")
			.param("id", id)
			.param("teamId", teamId)
			.query(DeliveryLog::row)
			.list();
		return withAttempts(rows).stream().findFirst();
	}

	private List<DeliveryView> withAttempts(List<Row> rows) {
		if (rows.isEmpty()) {
			return List.of();
		}
		Map<UUID, List<DeliveryView.Attempt>> attempts = new LinkedHashMap<>();
		this.jdbc.sql("""
				select delivery_id, attempted_at, status_code, error from webhook_attempts
				where delivery_id = any(:ids) order by delivery_id, number
				""").param("ids", rows.stream().map(Row::id).toArray(UUID[]::new)).query((rs) -> {
			Integer code = rs.getObject("status_code", Integer.class);
			attempts.computeIfAbsent(rs.getObject("delivery_id", UUID.class), (key) -> new ArrayList<>())
				.add(new DeliveryView.Attempt(rs.getTimestamp("attempted_at").toInstant(), code,
						rs.getString("error")));
		});
		return rows.stream()
			.map((row) -> new DeliveryView(row.id(), row.eventId(), row.eventType(), row.jobId(), row.endpointId(),
					row.url(), row.status(), attempts.getOrDefault(row.id(), List.of()), row.nextAttemptAt(),
					row.createdAt()))
			.toList();
	}

	private static Row row(ResultSet rs, int rowNumber) throws SQLException {
		Timestamp next = rs.getTimestamp("next_attempt_at");
		return new Row(rs.getObject("id", UUID.class), rs.getString("event_id"), rs.getString("event_type"),
				rs.getObject("job_id", UUID.class), rs.getObject("endpoint_id", UUID.class), rs.getString("url"),
				DeliveryState.fromValue(rs.getString("status")).orElseThrow(), (next != null) ? next.toInstant() : null,
				rs.getTimestamp("created_at").toInstant());
	}

	private record Row(UUID id, String eventId, String eventType, UUID jobId, UUID endpointId, String url,
			DeliveryState status, Instant nextAttemptAt, Instant createdAt) {
	}

}
