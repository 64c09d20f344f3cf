package io.genjobs.gateway.job;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.springframework.data.domain.Persistable;

/**
 * One recorded state change of a job: its history, written by {@link JobHistory} and
 * {@link JobInserts}, read here. Append-only.
 */
@Entity
@Table(name = "job_transitions")
@IdClass(JobTransition.Key.class)
class JobTransition implements Persistable<JobTransition.Key> {

	@Id
	@Column(name = "job_id")
	private UUID jobId;

	@Id
	private int sequence;

	@Column(name = "from_status")
	private JobStatus from;

	@Column(name = "to_status")
	private JobStatus to;

	private String reason;

	@Column(name = "occurred_at")
	private Instant occurredAt;

	protected JobTransition() {
	}

	@Override
	public Key getId() {
		return new Key(this.jobId, this.sequence);
	}

	@Override
	public boolean isNew() {
		return true;
	}

	int sequence() {
		return this.sequence;
	}

	JobStatus from() {
		return this.from;
	}

	JobStatus to() {
		return this.to;
	}

	String reason() {
		return this.reason;
	}

	Instant occurredAt() {
		return this.occurredAt;
	}

	record Key(UUID jobId, int sequence) implements Serializable {

		Key() {
			this(null, 0);
		}

	}

}
