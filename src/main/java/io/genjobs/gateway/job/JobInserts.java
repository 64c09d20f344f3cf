package io.genjobs.gateway.job;

import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stores a newly accepted job and its first history row in one statement (and, when its
 * view shortens a large {@code data:} URI, the full input RunComfy gets in
 * {@code job_inputs}, kept apart so that reading, listing and delivering jobs never loads
 * it): one round trip to PostgreSQL instead of one per row plus Hibernate's flush, on the
 * path every {@code POST /jobs} takes. Everything after creation (state changes, leases,
 * progress) goes through the {@link Job} entity as usual; the row written here is the one
 * Hibernate would have written.
 * <p>
 * Unlike every later change, creation sends no {@code NOTIFY} on
 * {@value JobEventHub#CHANNEL}: nobody can watch a job before the {@code POST} that makes
 * it has answered (a stream or wait opened later reads the job first), and PostgreSQL
 * serializes the commits of notifying transactions (one database-wide lock, held from
 * before the commit until its WAL flush is done, so those commits cannot share a flush):
 * on this path it put every accepted job in one queue for the disk.
 */
@Component
class JobInserts {

	private static final String INSERT = """
			with job as (
			    insert into jobs (id, team_id, model, status, input, metadata, webhook_url, webhook_events,
			                      attempts, sequence, version, idempotency_key, request_hash, created_at, updated_at,
			                      queued_polls, schema_hash, schema_fetched_at, estimated_cost_usd, priority, deadline,
			                      deadline_due_at, trace_parent)
			    values (:id, :teamId, :model, :status, cast(:input as jsonb), cast(:metadata as jsonb), :webhookUrl,
			            cast(:webhookEvents as jsonb), 0, :sequence, 0, :idempotencyKey, :requestHash, :createdAt,
			            :updatedAt, 0, :schemaHash, :schemaFetchedAt, :estimatedCost, :priority, :deadline, :deadline,
			            :traceParent)
			    returning id
			),
			forwarded as (
			    insert into job_inputs (job_id, input)
			    select id, cast(:forwardedInput as jsonb) from job where cast(:forwardedInput as text) is not null
			)
			insert into job_transitions (job_id, sequence, from_status, to_status, reason, occurred_at)
			select id, :sequence, null, :status, :reason, :createdAt
			from job""";

	private final JdbcClient jdbc;

	JobInserts(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts a job just made by {@link Job#accept} with the transition that created it.
	 * A second job with the team's Idempotency-Key fails on the unique index with a
	 * {@link org.springframework.dao.DuplicateKeyException}.
	 */
	void insertAccepted(Job job, JobTransitioned created, NewJob spec) {
		this.jdbc.sql(INSERT)
			.param("id", job.id())
			.param("teamId", job.teamId())
			.param("model", job.model())
			.param("status", job.status().wireName())
			.param("input", job.input())
			.param("forwardedInput", text(spec.forwardedInputJson()))
			// The schema the job was validated against: a later catalog change never
			// re-validates it (DESIGN, "The whole catalog").
			.param("schemaHash", text(spec.schemaHash()))
			.param("schemaFetchedAt", timestamp(spec.schemaFetchedAt()))
			.param("estimatedCost", new SqlParameterValue(Types.NUMERIC, spec.estimatedCostUsd()))
			// The rank the dispatch claim orders a team's jobs by (JobPriority's order).
			.param("priority", job.schedule().priority().ordinal())
			.param("deadline", timestamp(job.schedule().deadline()))
			.param("traceParent", text(job.dispatch().traceParent()))
			.param("metadata", text(job.metadata()))
			.param("webhookUrl", text(job.webhookUrl()))
			.param("webhookEvents", text(job.webhookEvents()))
			.param("sequence", job.sequence())
			.param("idempotencyKey", text(job.idempotencyKey()))
			.param("requestHash", text(job.requestHash()))
			.param("createdAt", utc(job.createdAt()))
			.param("updatedAt", utc(job.updatedAt()))
			.param("reason", text(created.reason()))
			.update();
	}

	/**
	 * Typed, so that a null needs no look-up of the parameter's type (which costs a round
	 * trip with PostgreSQL's driver).
	 */
	private static SqlParameterValue text(String value) {
		return new SqlParameterValue(Types.VARCHAR, value);
	}

	private static SqlParameterValue timestamp(Instant instant) {
		return new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, (instant != null) ? utc(instant) : null);
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
