package io.genjobs.gateway.ops;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads the gateway's state from the database for the {@code gateway} endpoint and the
 * queue gauges. Every query is bounded by design, so that reading it costs the same on a
 * table of a hundred jobs and of a hundred million:
 * <ul>
 * <li>{@code queued}, {@code submitted}, {@code running}, the oldest queued job and the
 * jobs under a submit lease are counted exactly: they are read through the partial
 * indexes {@code jobs_queued_idx}, {@code jobs_in_flight_idx} and
 * {@code jobs_dispatching_idx}, which hold only unfinished jobs (bounded by the queued
 * caps and the in-flight cap).</li>
 * <li>the terminal states grow forever. While the table's heap is small
 * ({@value #EXACT_COUNT_MAX_BYTES} bytes) they are counted exactly; beyond that they are
 * estimated from PostgreSQL's planner statistics ({@code pg_class.reltuples} times the
 * status column's most-common-value frequencies in {@code pg_stats}), which autovacuum's
 * analyze keeps current, at the cost of one catalog lookup.</li>
 * <li>webhook deliveries are counted only when the {@code webhook_deliveries} table
 * exists, and never past {@value #DELIVERY_COUNT_LIMIT} per status.</li>
 * </ul>
 * Results are kept for {@link #MAX_AGE}, so Prometheus scrapes from every replica and
 * operators' requests do not multiply the queries.
 */
@Component
class JobStatistics {

	static final Duration MAX_AGE = Duration.ofSeconds(5);

	static final long EXACT_COUNT_MAX_BYTES = 32L * 1024 * 1024;

	static final long DELIVERY_COUNT_LIMIT = 100_000;

	private static final List<String> TERMINAL = List.of("succeeded", "failed", "cancelled");

	private static final List<String> ALL_STATES = List.of("queued", "submitted", "running", "succeeded", "failed",
			"cancelled");

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private GatewayStatus cached;

	JobStatistics(DataSource dataSource, Clock clock) {
		this.jdbc = new JdbcTemplate(dataSource);
		// A statistics read must never hang a scrape or pile up connections when the
		// database is slow.
		this.jdbc.setQueryTimeout(5);
		this.clock = clock;
	}

	/** The current numbers, at most {@link #MAX_AGE} old. */
	synchronized GatewayStatus current() {
		Instant now = this.clock.instant();
		if (this.cached == null || this.cached.measuredAt().plus(MAX_AGE).isBefore(now)) {
			this.cached = read(now);
		}
		return this.cached;
	}

	/** Drops the kept numbers: the next read queries the database. */
	synchronized void forget() {
		this.cached = null;
	}

	private GatewayStatus read(Instant now) {
		return new GatewayStatus(now, readJobs(now), readDeliveries());
	}

	private GatewayStatus.Jobs readJobs(Instant now) {
		Map<String, Long> byState = new LinkedHashMap<>();
		Unfinished unfinished = this.jdbc.queryForObject("""
				select (select count(*) from jobs where status = 'queued') as queued,
				       (select count(*) from jobs where status = 'submitted') as submitted,
				       (select count(*) from jobs where status = 'running') as running,
				       (select count(*) from jobs where status = 'queued' and lease_owner is not null) as dispatching,
				       (select min(created_at) from jobs where status = 'queued') as oldest_queued
				""", (rs, row) -> new Unfinished(rs.getLong("queued"), rs.getLong("submitted"), rs.getLong("running"),
				rs.getLong("dispatching"), rs.getTimestamp("oldest_queued")));
		byState.put("queued", unfinished.queued());
		byState.put("submitted", unfinished.submitted());
		byState.put("running", unfinished.running());
		Terminal terminal = readTerminal(unfinished);
		byState.putAll(terminal.counts());
		Instant oldest = (unfinished.oldestQueued() != null) ? unfinished.oldestQueued().toInstant() : null;
		double age = (oldest != null) ? Math.max(0, Duration.between(oldest, now).toNanos() / 1e9) : 0;
		return new GatewayStatus.Jobs(byState, terminal.method(),
				terminal.method().equals("estimated") ? TERMINAL : List.of(), oldest, age,
				unfinished.submitted() + unfinished.running() + unfinished.dispatching(), unfinished.dispatching());
	}

	private Terminal readTerminal(Unfinished unfinished) {
		Long heapBytes = this.jdbc.queryForObject("select pg_relation_size('jobs')", Long.class);
		if (heapBytes != null && heapBytes <= EXACT_COUNT_MAX_BYTES) {
			Map<String, Long> counts = zeroCounts();
			this.jdbc.query("""
					select status, count(*) as n from jobs
					where status in ('succeeded', 'failed', 'cancelled') group by status
					""", (rs) -> {
				counts.put(rs.getString("status"), rs.getLong("n"));
			});
			return new Terminal("exact", counts);
		}
		return estimateTerminal();
	}

	/**
	 * Terminal counts from the planner's statistics. A state missing from the
	 * most-common-values list (a rare one) gets an even share of what the list leaves
	 * over.
	 */
	private Terminal estimateTerminal() {
		List<Terminal> found = this.jdbc.query("""
				select c.reltuples, s.most_common_vals::text::text[] as vals, s.most_common_freqs as freqs
				from pg_class c
				join pg_namespace n on n.oid = c.relnamespace
				left join pg_stats s on s.schemaname = n.nspname and s.tablename = c.relname and s.attname = 'status'
				where c.oid = 'jobs'::regclass
				""", (rs, row) -> {
			double rows = rs.getDouble("reltuples");
			Array valsArray = rs.getArray("vals");
			Array freqsArray = rs.getArray("freqs");
			if (rows < 0 || valsArray == null || freqsArray == null) {
				return null;
			}
			String[] vals = (String[]) valsArray.getArray();
			Object[] freqs = (Object[]) freqsArray.getArray();
			return new Terminal("estimated", estimate(rows, vals, freqs));
		});
		if (found.isEmpty() || found.get(0) == null) {
			Map<String, Long> unknown = new LinkedHashMap<>();
			TERMINAL.forEach((state) -> unknown.put(state, null));
			return new Terminal("unavailable", unknown);
		}
		return found.get(0);
	}

	static Map<String, Long> estimate(double rows, String[] vals, Object[] freqs) {
		Map<String, Double> frequency = new LinkedHashMap<>();
		double listed = 0;
		for (int i = 0; i < vals.length && i < freqs.length; i++) {
			double f = ((Number) freqs[i]).doubleValue();
			frequency.put(vals[i], f);
			listed += f;
		}
		List<String> missing = new ArrayList<>(ALL_STATES);
		missing.removeAll(frequency.keySet());
		double share = missing.isEmpty() ? 0 : Math.max(0, 1 - listed) / missing.size();
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String state : TERMINAL) {
			counts.put(state, Math.round(frequency.getOrDefault(state, share) * rows));
		}
		return counts;
	}

	private GatewayStatus.Deliveries readDeliveries() {
		Boolean exists = this.jdbc.queryForObject("select to_regclass('webhook_deliveries') is not null",
				Boolean.class);
		if (!Boolean.TRUE.equals(exists)) {
			return null;
		}
		return this.jdbc.queryForObject(
				"""
						select (select count(*) from (select 1 from webhook_deliveries where status = 'pending' limit ?) p) as pending,
						       (select count(*) from (select 1 from webhook_deliveries where status = 'failed' limit ?) f) as failed
						""",
				(rs, row) -> new GatewayStatus.Deliveries(rs.getLong("pending"), rs.getLong("failed"),
						DELIVERY_COUNT_LIMIT),
				DELIVERY_COUNT_LIMIT, DELIVERY_COUNT_LIMIT);
	}

	private static Map<String, Long> zeroCounts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		TERMINAL.forEach((state) -> counts.put(state, 0L));
		return counts;
	}

	private record Unfinished(long queued, long submitted, long running, long dispatching, Timestamp oldestQueued) {
	}

	private record Terminal(String method, Map<String, Long> counts) {
	}

}
