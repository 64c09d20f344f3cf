package io.genjobs.gateway.job;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import tools.jackson.databind.json.JsonMapper;

/**
 * When and in which order a job is to run (DESIGN, "Deadlines and priorities"): its
 * {@link JobPriority} within its team's share, its deadline, and when the deadline work
 * loop ({@link JobDeadlines}) looks at it next. Part of the {@link Job}, which decides
 * what a passed deadline does to it.
 * <p>
 * A deadline cancels through the job's cancel request ({@link JobDispatch}), dated at the
 * deadline: a cancel asked for at or after the deadline is the deadline's, and the job is
 * cancelled with {@code error.code} {@code deadline_exceeded} whoever carries it out (the
 * loop, the submit's holder, the poller once RunComfy cancelled it).
 */
@Embeddable
class JobSchedule {

	/** The warning of a job left to finish because RunComfy was already rendering it. */
	static final String RUNNING_AT_DEADLINE = JsonMapper.builder()
		.build()
		.writeValueAsString(List.of(new JobView.Warning(FailureCode.DEADLINE_EXCEEDED.wireName(),
				"The deadline passed while RunComfy was already rendering the job; RunComfy cannot stop it, "
						+ "so it was left to finish.")));

	@Enumerated(EnumType.ORDINAL)
	private JobPriority priority = JobPriority.NORMAL;

	private Instant deadline;

	private Instant deadlineDueAt;

	protected JobSchedule() {
	}

	JobSchedule(JobPriority priority, Instant deadline) {
		this.priority = (priority != null) ? priority : JobPriority.NORMAL;
		this.deadline = deadline;
		this.deadlineDueAt = deadline;
	}

	/** Whether the job has a deadline and {@code at} is at or past it. */
	boolean passed(Instant at) {
		return this.deadline != null && !at.isBefore(this.deadline);
	}

	/**
	 * What a job cancelled with this {@code dispatch} records: {@code deadline_exceeded}
	 * when its cancel was asked for at or after the deadline (by the deadline), nothing
	 * otherwise.
	 */
	FailureCode.Failure byDeadline(JobDispatch dispatch) {
		Instant asked = dispatch.cancelRequestedAt();
		if (asked == null || !passed(asked)) {
			return null;
		}
		return FailureCode.DEADLINE_EXCEEDED.because(this.deadline);
	}

	/**
	 * The deadline passed ({@link JobDeadlines}), for {@code job} (which this schedule is
	 * part of): it is cancelled as its client's cancel would cancel it, the cancel dated
	 * at the deadline; a job RunComfy is rendering is left to finish, with a warning, as
	 * RunComfy cannot stop it ({@code REFUSED}, also for a job that finished). Its status
	 * changes only through the job's own commands.
	 */
	CancelStep deadlinePassed(Job job, Instant at) {
		JobStatus status = job.status();
		if (status.isTerminal() || status == JobStatus.RUNNING) {
			if (status == JobStatus.RUNNING) {
				job.outputs().warn(RUNNING_AT_DEADLINE);
			}
			this.deadlineDueAt = null;
			return CancelStep.REFUSED;
		}
		job.dispatch().requestCancel(this.deadline);
		// Queued: cancelled now, or by the submit's holder; submitted: RunComfy's to do.
		// Either way the loop looks again (deadlineDueAt was pushed by its claim).
		return (status == JobStatus.SUBMITTED) ? CancelStep.ASK_RUNCOMFY : job.requestCancel(at);
	}

	JobPriority priority() {
		return this.priority;
	}

	Instant deadline() {
		return this.deadline;
	}

}
