package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The claiming SQL of output copies (the jobs whose files are being copied), written out
 * as the dispatch claims are ({@link DispatchClaims}). A claim pushes the job's
 * {@code outputs_due_at} past a lease, in the database's time: no other instance takes
 * the job meanwhile, the holder pushes it further while it copies, and when the holder
 * dies the copy is simply due again (on any instance) once the lease ran out.
 */
@Component
class OutputCopyClaims {

	private final JdbcClient jdbc;

	OutputCopyClaims(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Claims up to {@code limit} jobs whose next copy attempt is due, oldest due first.
	 * Reads only {@code jobs_outputs_due_idx}.
	 */
	List<Claimed> claimDue(int limit, Duration lease) {
		return this.jdbc.sql("""
				with due as (
				    select id from jobs
				    where outputs_due_at is not null and outputs_due_at <= now()
				      and status = 'running'
				    order by outputs_due_at limit :limit
				    for update skip locked
				)
				update jobs set outputs_due_at = now() + make_interval(secs => :lease), version = version + 1
				where id in (select id from due)
				returning id, team_id, upstream_output::text as upstream_output, outputs_pending_since,
				          output_copy_attempts
				""")
			.param("limit", limit)
			.param("lease", lease.toNanos() / 1e9)
			.query((rs, row) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("team_id", UUID.class),
					rs.getString("upstream_output"), rs.getTimestamp("outputs_pending_since").toInstant(),
					rs.getInt("output_copy_attempts")))
			.list();
	}

	/**
	 * Pushes the claims on {@code jobIds} to {@code lease} from now while they are
	 * copied.
	 */
	int renew(List<UUID> jobIds, Duration lease) {
		if (jobIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.sql("""
				update jobs set outputs_due_at = now() + make_interval(secs => :lease), version = version + 1
				where id = any(:ids) and outputs_due_at is not null and status = 'running'
				""").param("lease", lease.toNanos() / 1e9).param("ids", jobIds.toArray(UUID[]::new)).update();
	}

	/** Hands claims back, due at once (on shutdown). */
	int release(List<UUID> jobIds) {
		if (jobIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.sql("""
				update jobs set outputs_due_at = now(), version = version + 1
				where id = any(:ids) and outputs_due_at is not null and status = 'running'
				""").param("ids", jobIds.toArray(UUID[]::new)).update();
	}

	record Claimed(UUID jobId, UUID teamId, String upstreamOutputJson, Instant pendingSince, int attempts) {
	}

}
