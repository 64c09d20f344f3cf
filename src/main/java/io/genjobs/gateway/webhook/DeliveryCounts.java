package io.genjobs.gateway.webhook;

import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The webhook delivery backlog, for operators (the {@code ops} feature's endpoint and
 * gauges). Each count stops at a limit, so that a huge backlog costs no more to read than
 * a small one. Each call queries the database; callers keep the numbers for a while.
 */
@Component
public class DeliveryCounts {

	private final JdbcTemplate jdbc;

	DeliveryCounts(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		// A statistics read must never hang a scrape or pile up connections when the
		// database is slow.
		this.jdbc.setQueryTimeout(5);
	}

	/**
	 * Deliveries pending and failed, each counted up to {@code limit}; empty while the
	 * database has no deliveries table (a schema older than the webhook feature).
	 */
	public Optional<Backlog> backlog(long limit) {
		Boolean exists = this.jdbc.queryForObject("select to_regclass('webhook_deliveries') is not null",
				Boolean.class);
		if (!Boolean.TRUE.equals(exists)) {
			return Optional.empty();
		}
		return Optional.ofNullable(this.jdbc.queryForObject(
				DeliveryState
					.inSql("""
							select (select count(*) from (select 1 from webhook_deliveries where status = {pending} limit ?) p) as pending,
							       (select count(*) from (select 1 from webhook_deliveries where status = {failed} limit ?) f) as failed
							"""),
				(rs, row) -> new Backlog(rs.getLong("pending"), rs.getLong("failed")), limit, limit));
	}

	/**
	 * @param pending deliveries waiting for their next attempt
	 * @param failed deliveries that used up every attempt (kept for a manual retry)
	 */
	public record Backlog(long pending, long failed) {
	}

}
