package io.genjobs.gateway.storage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The storage feature's SQL: {@code stored_outputs}, one row per file in the store, which
 * retention reads to find what to delete and serving to tell a deleted file from a kept
 * one. Each statement commits on its own (none runs around a store call).
 */
@Component
class StoredOutputs {

	private final JdbcClient jdbc;

	StoredOutputs(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The key of file {@code n} of a job in the store. */
	static String key(UUID jobId, int n) {
		return jobId + "/" + n;
	}

	/** Records a stored file (again, when a copy was restarted). */
	void record(UUID jobId, int n, UUID teamId, long bytes) {
		this.jdbc.sql("""
				insert into stored_outputs (object_key, job_id, n, team_id, bytes, stored_at)
				values (:key, :job, :n, :team, :bytes, now())
				on conflict (object_key) do update
				set bytes = excluded.bytes, stored_at = excluded.stored_at, delete_started_at = null
				""")
			.param("key", key(jobId, n))
			.param("job", jobId)
			.param("n", n)
			.param("team", teamId)
			.param("bytes", bytes)
			.update();
	}

	/** Whether file {@code n} of the job is in the store (not deleted by retention). */
	boolean isStored(UUID jobId, int n) {
		return this.jdbc
			.sql("""
					select exists (select 1 from stored_outputs where job_id = :job and n = :n and delete_started_at is null)
					""")
			.param("job", jobId)
			.param("n", n)
			.query(Boolean.class)
			.single();
	}

	/** The keys of a job's stored files. */
	List<String> keysOf(UUID jobId) {
		return this.jdbc.sql("select object_key from stored_outputs where job_id = :job order by n")
			.param("job", jobId)
			.query(String.class)
			.list();
	}

	/** Forgets the files of {@code keys} (deleted from the store). */
	void forget(List<String> keys) {
		if (!keys.isEmpty()) {
			this.jdbc.sql("delete from stored_outputs where object_key = any(:keys)")
				.param("keys", keys.toArray(String[]::new))
				.update();
		}
	}

	/**
	 * Marks up to {@code limit} files past their retention as being deleted, and answers
	 * their keys: files stored longer ago than their team's retention ({@code overrides},
	 * seconds by team) or else {@code retention}. A mark older than {@code stale} (its
	 * round died) is taken over. Reads {@code stored_outputs_stored_at_idx}, oldest
	 * first; rows another round holds are skipped.
	 */
	List<String> markExpired(Duration retention, Map<UUID, Duration> overrides, int limit, Duration stale) {
		UUID[] teams = overrides.keySet().toArray(UUID[]::new);
		Double[] seconds = overrides.keySet()
			.stream()
			.map((team) -> seconds(overrides.get(team)))
			.toArray(Double[]::new);
		double shortest = overrides.values()
			.stream()
			.mapToDouble(StoredOutputs::seconds)
			.reduce(seconds(retention), Math::min);
		return this.jdbc.sql("""
				with expired as (
				    select s.object_key from stored_outputs s
				    left join unnest(cast(:teams as uuid[]), cast(:seconds as float8[])) as o(team_id, secs)
				           on o.team_id = s.team_id
				    where s.stored_at < now() - make_interval(secs => :shortest)
				      and s.stored_at < now() - make_interval(secs => coalesce(o.secs, :retention))
				      and (s.delete_started_at is null or s.delete_started_at < now() - make_interval(secs => :stale))
				    order by s.stored_at limit :limit
				    for update of s skip locked
				)
				update stored_outputs set delete_started_at = now()
				where object_key in (select object_key from expired)
				returning object_key
				""")
			.param("teams", teams)
			.param("seconds", seconds)
			.param("shortest", shortest)
			.param("retention", seconds(retention))
			.param("stale", seconds(stale))
			.param("limit", limit)
			.query(String.class)
			.list();
	}

	/** Bytes of all the files in the store. */
	long totalBytes() {
		return this.jdbc.sql("select coalesce(sum(bytes), 0) from stored_outputs").query(Long.class).single();
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

}
