package io.genjobs.gateway.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.genjobs.gateway.job.JobService.TransitionView;

/**
 * A job as it is now, with its history: what a job's event stream is made from. One
 * snapshot, read once per notification, serves every client watching the job on this
 * instance.
 *
 * @param job the job now
 * @param history its state changes, oldest first
 */
record JobSnapshot(JobView job, List<TransitionView> history) {

	/** One state change as a stream shows it. */
	record JobEvent(int sequence, JobStatus status, JobView job) {

		boolean terminal() {
			return this.status.isTerminal();
		}

	}

	/**
	 * The state changes after {@code sequence}, oldest first. The last one (the job's
	 * state now) carries the job as it is; earlier ones carry the job as its history
	 * records it at that change: its state, sequence and times, without output, error,
	 * cost or queue position (which only the job's last state shows) and without a
	 * RunComfy request id before it was submitted.
	 */
	List<JobEvent> eventsAfter(int sequence) {
		List<JobEvent> events = new ArrayList<>();
		Instant submittedAt = null;
		for (TransitionView step : this.history) {
			if (step.to() == JobStatus.SUBMITTED) {
				submittedAt = step.at();
			}
			if (step.sequence() <= sequence || step.sequence() >= this.job.sequence()) {
				continue;
			}
			events.add(new JobEvent(step.sequence(), step.to(), asOf(step, submittedAt)));
		}
		if (this.job.sequence() > sequence) {
			events.add(new JobEvent(this.job.sequence(), this.job.status(), this.job));
		}
		return events;
	}

	private JobView asOf(TransitionView step, Instant submittedAt) {
		JobView now = this.job;
		return new JobView(now.id(), now.model(), step.to(), now.input(), null, null, now.metadata(), now.webhookUrl(),
				now.webhookEvents(),
				new JobView.Upstream((submittedAt != null) ? now.upstream().requestId() : null, null, null),
				new JobView.Cost(now.cost().estimatedUsd(), null, null, now.cost().currency()), List.of(), List.of(),
				now.priority(), now.deadline(), now.attempts(), step.sequence(), now.createdAt(), step.at(),
				submittedAt, null, now.traceId());
	}

}
