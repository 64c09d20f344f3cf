package io.genjobs.gateway.job;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A job's state. {@code queued} (accepted, not yet sent) → {@code submitted} (RunComfy
 * has it) → {@code running} → one of the terminal states; a job not yet finished can also
 * fail or be cancelled from any non-terminal state. Terminal states never change.
 */
@Schema(name = "JobStatus", enumAsRef = true, description = "queued → submitted → running → succeeded | failed | "
		+ "cancelled; succeeded, failed and cancelled are terminal and never change")
public enum JobStatus {

	QUEUED, SUBMITTED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

	/** Whether a job in this state may move to {@code next}. */
	public boolean canMoveTo(JobStatus next) {
		return allowedNext().contains(next);
	}

	public boolean isTerminal() {
		return allowedNext().isEmpty();
	}

	private Set<JobStatus> allowedNext() {
		return switch (this) {
			case QUEUED -> EnumSet.of(SUBMITTED, FAILED, CANCELLED);
			case SUBMITTED -> EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED);
			case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
			case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(JobStatus.class);
		};
	}

	/** The lower-case name used in the API and the database. */
	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Parses an API or database name; {@code null} when it is not a state. */
	public static JobStatus fromWireName(String name) {
		for (JobStatus status : values()) {
			if (status.wireName().equals(name)) {
				return status;
			}
		}
		return null;
	}

}
