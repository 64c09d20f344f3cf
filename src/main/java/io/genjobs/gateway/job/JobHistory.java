package io.genjobs.gateway.job;

import java.sql.Types;
import java.time.ZoneOffset;

import jakarta.persistence.EntityManager;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records every {@link JobTransitioned} after a job's creation as a history row (the
 * creation itself is written with the job by {@link JobInserts}), and announces it on
 * {@value JobEventHub#CHANNEL} ({@link JobEventHub#payload}) in the same statement. Runs
 * synchronously inside the transaction that saved the job, so a state change, its history
 * and its notification commit or roll back together (PostgreSQL delivers a {@code NOTIFY}
 * on commit only).
 */
@Component
class JobHistory {

	// The notification rides on the history insert: no extra round trip per state change.
	private static final String INSERT = """
			with notified as (select pg_notify(:channel, :payload))
			insert into job_transitions (job_id, sequence, from_status, to_status, reason, occurred_at)
			select :jobId, :sequence, :from, :to, :reason, :occurredAt from notified""";

	private final JdbcClient jdbc;

	private final EntityManager entityManager;

	JobHistory(JdbcClient jdbc, EntityManager entityManager) {
		this.jdbc = jdbc;
		this.entityManager = entityManager;
	}

	@EventListener
	void on(JobTransitioned event) {
		if (event.from() == null) {
			// A job's creation is stored with the job itself, in one statement
			// (JobInserts).
			return;
		}
		// The job's own versioned update goes first: a concurrent change then surfaces
		// as the version conflict that callers retry, not as a duplicate history row.
		this.entityManager.flush();
		this.jdbc.sql(INSERT)
			.param("channel", JobEventHub.CHANNEL)
			.param("payload", JobEventHub.payload(event.jobId(), event.sequence(), event.to()))
			.param("jobId", event.jobId())
			.param("sequence", event.sequence())
			.param("from", event.from().wireName())
			.param("to", event.to().wireName())
			.param("reason", new SqlParameterValue(Types.VARCHAR, event.reason()))
			.param("occurredAt", event.at().atOffset(ZoneOffset.UTC))
			.update();
	}

}
