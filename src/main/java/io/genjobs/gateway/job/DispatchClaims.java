package io.genjobs.gateway.job;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The claiming SQL of dispatch and polling, written out because correctness across
 * instances rests on it. Every statement here runs inside the caller's transaction.
 * Native updates bump {@code version} so that an entity loaded before the claim (a cancel
 * request, say) notices the change.
 * <p>
 * Lease times are the database's ({@code now()}), never an instance's own clock: every
 * instance writes and compares them, so a JVM whose clock runs ahead or behind cannot
 * shorten another's lease or keep an expired one alive.
 */
@Component
class DispatchClaims {

	/** Key of the advisory lock that serialises dispatch claims across all instances. */
	private static final long DISPATCH_LOCK = 0x5275_6e43_6f6d_6679L;

	private final JdbcClient jdbc;

	DispatchClaims(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Takes the cluster-wide dispatch lock until the transaction ends. The in-flight
	 * count and the claim that follows are then one atomic step for all instances
	 * together, which is what keeps {@code max-in-flight} a global cap rather than a
	 * per-instance one.
	 */
	void lockDispatch() {
		this.jdbc.sql("select pg_advisory_xact_lock(:key)").param("key", DISPATCH_LOCK).query((rs, row) -> 1).list();
	}

	/**
	 * Jobs at RunComfy or on their way there: submitted or running (not those RunComfy
	 * finished whose files are being copied, {@code outputs_due_at}), plus queued jobs
	 * under a submit lease (being sent now, or orphaned by a dead instance and not yet
	 * resolved). Each part reads only its partial index.
	 */
	int inFlight() {
		return this.jdbc.sql("""
				select (select count(*) from jobs where status in ('submitted', 'running') and outputs_due_at is null)
				     + (select count(*) from jobs where status = 'queued' and lease_owner is not null)
				""").query(Integer.class).single();
	}

	/**
	 * Claims up to {@code limit} queued jobs for {@code owner}, shared fairly between
	 * teams: each team's next eligible jobs take turns, and a team with fewer jobs in
	 * flight goes first, so a team with thousands queued cannot hold back another team's
	 * few. Within a team, jobs go by priority, then oldest first; priorities never change
	 * the turns between teams. A job whose deadline has passed is never claimed (the
	 * deadline loop cancels it).
	 * <p>
	 * {@code waiting} lists the teams with queued jobs by a loose index scan of
	 * {@code jobs_queued_idx} (one probe per team, however many jobs are queued); each
	 * team's candidates come from {@code jobs_queued_priority_idx} in claim order;
	 * {@code turn} is a job's rank within its team plus its team's jobs in flight. The
	 * chosen rows are then locked with {@code FOR UPDATE SKIP LOCKED}: a row another
	 * transaction holds (a cancel) is skipped, not waited for.
	 */
	List<Claimed> claimQueued(String owner, int limit, Duration lease, Instant now, List<UUID> disabledTeams) {
		// :now (an instance's clock) is only compared with next_attempt_at, which
		// instances write from their clocks; the lease is the database's.
		return this.jdbc.sql("""
				with recursive waiting(team_id) as (
				    (select team_id from jobs where status = 'queued' order by team_id limit 1)
				    union all
				    select (select j.team_id from jobs j
				            where j.status = 'queued' and j.team_id > w.team_id order by j.team_id limit 1)
				    from waiting w where w.team_id is not null
				),
				load as (
				    select team_id, count(*) as in_flight from (
				        select team_id from jobs where status in ('submitted', 'running') and outputs_due_at is null
				        union all
				        select team_id from jobs where status = 'queued' and lease_owner is not null
				    ) busy group by team_id
				),
				candidates as (
				    select c.id, c.created_at,
				           coalesce(l.in_flight, 0)
				             + row_number() over (partition by w.team_id order by c.priority, c.created_at) as turn
				    from waiting w
				    left join load l on l.team_id = w.team_id
				    cross join lateral (
				        select q.id, q.priority, q.created_at from jobs q
				        where q.team_id = w.team_id and q.status = 'queued' and q.lease_owner is null
				          and (q.next_attempt_at is null or q.next_attempt_at <= :now)
				          and (q.deadline is null or q.deadline > now())
				        order by q.priority, q.created_at limit :limit
				    ) c
				    where w.team_id is not null and w.team_id <> all(cast(:disabled as uuid[]))
				),
				chosen as (
				    select id from candidates order by turn, created_at limit :limit
				),
				locked as (
				    select j.id from jobs j join chosen using (id)
				    where j.status = 'queued' and j.lease_owner is null
				    for update of j skip locked
				)
				update jobs set lease_owner = :owner, lease_expires_at = now() + make_interval(secs => :lease),
				                attempts = attempts + 1, version = version + 1
				where id in (select id from locked)
				returning id, team_id, model, attempts, cancel_requested_at,
				          -- what RunComfy gets: the full input where the stored one is shortened
				          coalesce((select i.input from job_inputs i where i.job_id = jobs.id), input)::text as input
				""")
			.param("now", Timestamp.from(now))
			.param("limit", limit)
			.param("owner", owner)
			.param("lease", seconds(lease))
			.param("disabled", disabledTeams.toArray(UUID[]::new))
			.query((rs, row) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("team_id", UUID.class),
					rs.getString("model"), rs.getString("input"), rs.getInt("attempts"),
					rs.getTimestamp("cancel_requested_at") != null))
			.list();
	}

	/**
	 * Claims up to {@code limit} jobs at RunComfy whose poll is due, oldest due first, by
	 * pushing their next poll past {@code lease}: no other instance polls them meanwhile,
	 * and if this one dies they are simply due again afterwards. Each claim counts one
	 * poll ({@code upstream_polls}) and stamps {@code last_polled_at}; the answer carries
	 * the previous stamp, and when the job was first seen running (its transition to
	 * {@code running}), for the poller's schedule and metrics. Reads only
	 * {@code jobs_in_flight_idx} (and the claimed jobs' transitions by primary key).
	 */
	List<DuePoll> claimDuePolls(int limit, Duration lease, Instant now) {
		return this.jdbc.sql("""
				with due as (
				    select id, last_polled_at as previous_poll_at from jobs
				    where status in ('submitted', 'running') and next_attempt_at <= :now
				    order by next_attempt_at limit :limit
				    for update skip locked
				)
				update jobs set next_attempt_at = :leaseUntil, upstream_polls = upstream_polls + 1,
				                last_polled_at = :now, version = version + 1
				from due
				where jobs.id = due.id
				returning jobs.id, jobs.status, jobs.upstream_request_id, jobs.submitted_at, jobs.queued_polls,
				          jobs.failed_polls, jobs.cancel_requested_at, jobs.model, jobs.upstream_polls,
				          due.previous_poll_at,
				          (select min(t.occurred_at) from job_transitions t
				           where t.job_id = jobs.id and t.to_status = 'running') as running_since
				""")
			.param("now", Timestamp.from(now))
			.param("limit", limit)
			.param("leaseUntil", Timestamp.from(now.plus(lease)))
			.query((rs, row) -> new DuePoll(rs.getObject("id", UUID.class),
					JobStatus.fromWireName(rs.getString("status")), rs.getString("upstream_request_id"),
					rs.getTimestamp("submitted_at").toInstant(), rs.getInt("queued_polls"), rs.getInt("failed_polls"),
					rs.getTimestamp("cancel_requested_at") != null, rs.getString("model"), rs.getInt("upstream_polls"),
					instant(rs.getTimestamp("previous_poll_at")), instant(rs.getTimestamp("running_since"))))
			.list();
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/**
	 * Locks queued jobs whose submit lease ran out (their instance died while a submit
	 * may have been under way), skipping those another instance is settling right now.
	 * Reads {@code jobs_dispatching_idx}.
	 */
	List<UUID> lockOrphanedSubmits(int limit) {
		return this.jdbc.sql("""
				select id from jobs
				where status = 'queued' and lease_owner is not null and lease_expires_at < now()
				order by lease_expires_at limit :limit
				for update skip locked
				""").param("limit", limit).query(UUID.class).list();
	}

	/**
	 * Pushes the submit leases {@code owner} still holds on {@code jobIds} to
	 * {@code lease} from now, while their submits wait (for a token, a 429 pause) or are
	 * under way. Answers the jobs renewed: one missing is no longer {@code owner}'s (its
	 * lease ran out and it was settled, or it left the queue).
	 */
	List<UUID> renewLeases(String owner, List<UUID> jobIds, Duration lease) {
		if (jobIds.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("""
				update jobs set lease_expires_at = now() + make_interval(secs => :lease), version = version + 1
				where id = any(:ids) and status = 'queued' and lease_owner = :owner
				returning id
				""")
			.param("lease", seconds(lease))
			.param("ids", jobIds.toArray(UUID[]::new))
			.param("owner", owner)
			.query(UUID.class)
			.list();
	}

	/**
	 * The last word before a submit leaves: the job is still queued and {@code owner}'s,
	 * its lease pushed to {@code lease} from now, in one statement, so that no other
	 * instance can have settled it in between. Empty when it is no longer
	 * {@code owner}'s; otherwise whether its client asked for a cancel meanwhile, or its
	 * deadline passed (which then asks for one, dated at the deadline, as
	 * {@link JobSchedule} does).
	 */
	Optional<Boolean> confirmLease(UUID jobId, String owner, Duration lease) {
		return this.jdbc.sql("""
				update jobs set lease_expires_at = now() + make_interval(secs => :lease), version = version + 1,
				                cancel_requested_at = coalesce(cancel_requested_at,
				                                               case when deadline <= now() then deadline end)
				where id = :id and lease_owner = :owner and status = 'queued'
				returning cancel_requested_at is not null as cancel_requested
				""")
			.param("lease", seconds(lease))
			.param("id", jobId)
			.param("owner", owner)
			.query(Boolean.class)
			.optional();
	}

	/**
	 * Hands back what {@code owner} holds without having started a submit, and its due
	 * polls.
	 */
	int releasePollsHeldBy(List<UUID> jobIds, Instant now) {
		if (jobIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.sql("""
				update jobs set next_attempt_at = :now, version = version + 1
				where id = any(:ids) and status in ('submitted', 'running') and outputs_due_at is null
				""").param("now", Timestamp.from(now)).param("ids", jobIds.toArray(UUID[]::new)).update();
	}

	/** A job claimed for dispatch. */
	record Claimed(UUID jobId, UUID teamId, String model, String inputJson, int attempt, boolean cancelRequested) {
	}

	/** A job whose status poll is due. */
	record DuePoll(UUID jobId, JobStatus status, String requestId, Instant submittedAt, int queuedPolls,
			int failedPolls, boolean cancelRequested, String model, int polls, @Nullable Instant previousPollAt,
			@Nullable Instant runningSince) {
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

}
