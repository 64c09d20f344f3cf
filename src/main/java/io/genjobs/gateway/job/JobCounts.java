package io.genjobs.gateway.job;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How many jobs there are in each state, for operators (the {@code ops} feature's
 * endpoint and gauges). Every query is bounded by design, so that reading it costs the
 * same on a table of a hundred jobs and of a hundred million:
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
 * </ul>
 * Each call queries the database; callers keep the numbers for a while.
 */
@Component
public class JobCounts {

	static final long EXACT_COUNT_MAX_BYTES = 32L * 1024 * 1024;

	private static final List<JobStatus> TERMINAL = Arrays.stream(JobStatus.values())
		.filter(JobStatus::isTerminal)
		.toList();

	private final JdbcTemplate jdbc;

	JobCounts(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		// A statistics read must never hang a scrape or pile up connections when the
		// database is slow.
		this.jdbc.setQueryTimeout(5);
	}

	/** The jobs not yet finished, counted exactly. */
	public Unfinished unfinished() {
		return this.jdbc.queryForObject("""
				select (select count(*) from jobs where status = 'queued') as queued,
				       (select count(*) from jobs where status = 'submitted') as submitted,
				       (select count(*) from jobs where status = 'running') as running,
				       (select count(*) from jobs where status = 'queued' and lease_owner is not null) as dispatching,
				       (select count(*) from jobs where outputs_due_at is not null) as copying,
				       (select min(created_at) from jobs where status = 'queued') as oldest_queued
				""", (rs, row) -> {
			Timestamp oldest = rs.getTimestamp("oldest_queued");
			return new Unfinished(rs.getLong("queued"), rs.getLong("submitted"), rs.getLong("running"),
					rs.getLong("dispatching"), rs.getLong("copying"), (oldest != null) ? oldest.toInstant() : null);
		});
	}

	/** The finished jobs per terminal state: exact on a small table, else estimated. */
	public Terminal terminal() {
		Long heapBytes = this.jdbc.queryForObject("select pg_relation_size('jobs')", Long.class);
		if (heapBytes != null && heapBytes <= EXACT_COUNT_MAX_BYTES) {
			Map<String, Long> counts = new LinkedHashMap<>();
			TERMINAL.forEach((state) -> counts.put(state.wireName(), 0L));
			this.jdbc.query("""
					select status, count(*) as n from jobs
					where status in ('succeeded', 'failed', 'cancelled') group by status
					""", (rs) -> {
				counts.put(rs.getString("status"), rs.getLong("n"));
			});
			return new Terminal(Terminal.EXACT, counts);
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
			return new Terminal(Terminal.ESTIMATED, estimate(rows, vals, freqs));
		});
		if (found.isEmpty() || found.get(0) == null) {
			Map<String, Long> unknown = new LinkedHashMap<>();
			TERMINAL.forEach((state) -> unknown.put(state.wireName(), null));
			return new Terminal(Terminal.UNAVAILABLE, unknown);
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
		List<String> missing = new ArrayList<>(Arrays.stream(JobStatus.values()).map(JobStatus::wireName).toList());
		missing.removeAll(frequency.keySet());
		double share = missing.isEmpty() ? 0 : Math.max(0, 1 - listed) / missing.size();
		Map<String, Long> counts = new LinkedHashMap<>();
		for (JobStatus state : TERMINAL) {
			counts.put(state.wireName(), Math.round(frequency.getOrDefault(state.wireName(), share) * rows));
		}
		return counts;
	}

	/**
	 * The unfinished jobs.
	 *
	 * @param queued jobs accepted and not yet sent to RunComfy
	 * @param submitted jobs RunComfy has, not yet started
	 * @param running jobs RunComfy is rendering
	 * @param dispatching queued jobs being submitted right now (or orphaned by a dead
	 * instance)
	 * @param copying running jobs RunComfy finished whose output files are being copied
	 * @param oldestQueuedAt creation time of the oldest queued job, or {@code null}
	 */
	public record Unfinished(long queued, long submitted, long running, long dispatching, long copying,
			@Nullable Instant oldestQueuedAt) {

		/**
		 * Jobs at RunComfy plus queued jobs under a submit lease: what counts against the
		 * global in-flight cap.
		 */
		public long inFlightUpstream() {
			return this.submitted + this.running - this.copying + this.dispatching;
		}

	}

	/**
	 * The finished jobs.
	 *
	 * @param method how they were counted: {@value #EXACT} (small table),
	 * {@value #ESTIMATED} (PostgreSQL's planner statistics) or {@value #UNAVAILABLE} (a
	 * large table not yet analyzed)
	 * @param counts jobs per terminal state, by wire name; {@code null} values when
	 * unavailable
	 */
	public record Terminal(String method, Map<String, Long> counts) {

		public static final String EXACT = "exact";

		public static final String ESTIMATED = "estimated";

		public static final String UNAVAILABLE = "unavailable";

		public boolean estimated() {
			return ESTIMATED.equals(this.method);
		}

	}

}
