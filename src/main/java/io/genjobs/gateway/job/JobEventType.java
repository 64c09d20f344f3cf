package io.genjobs.gateway.job;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonValue;

/** The events a job's state changes produce, as webhook consumers see them. */
public enum JobEventType {

	SUBMITTED("job.submitted", JobStatus.SUBMITTED), RUNNING("job.running", JobStatus.RUNNING),
	SUCCEEDED("job.succeeded", JobStatus.SUCCEEDED), FAILED("job.failed", JobStatus.FAILED),
	CANCELLED("job.cancelled", JobStatus.CANCELLED);

	/**
	 * What a job's {@code webhook_url} receives when the request names no
	 * {@code webhook_events}.
	 */
	public static final Set<JobEventType> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);

	private final String wireName;

	private final JobStatus status;

	JobEventType(String wireName, JobStatus status) {
		this.wireName = wireName;
		this.status = status;
	}

	@JsonValue
	public String wireName() {
		return this.wireName;
	}

	/** The event a move into {@code status} produces; none for {@code queued}. */
	public static Optional<JobEventType> forStatus(JobStatus status) {
		for (JobEventType type : values()) {
			if (type.status == status) {
				return Optional.of(type);
			}
		}
		return Optional.empty();
	}

	public static Optional<JobEventType> fromWireName(String name) {
		for (JobEventType type : values()) {
			if (type.wireName.equals(name)) {
				return Optional.of(type);
			}
		}
		return Optional.empty();
	}

}
