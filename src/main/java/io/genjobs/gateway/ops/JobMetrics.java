package io.genjobs.gateway.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import io.genjobs.gateway.job.JobService;
import io.genjobs.gateway.job.JobStatus;
import io.genjobs.gateway.job.JobTransitioned;
import io.genjobs.gateway.job.JobView;

/**
 * Counts jobs accepted and finished and times their stages, from the job feature's
 * {@link JobTransitioned} events. Counted after commit only, so a rolled-back change (a
 * lost race, a refused insert) is never counted. A metric that fails to record is logged
 * and dropped: it must never fail the state change that caused it.
 */
@Component
class JobMetrics {

	private static final Log logger = LogFactory.getLog(JobMetrics.class);

	// Explicit buckets keep the series count small while covering what matters: seconds
	// for a healthy job, up to the default job timeout (30 minutes) and beyond.
	private static final Duration[] JOB_DURATION_BUCKETS = seconds(5, 10, 30, 60, 120, 300, 600, 900, 1200, 1800, 2700,
			3600, 7200);

	private static final Duration[] DISPATCH_WAIT_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900,
			3600);

	private static final Duration[] UPSTREAM_QUEUE_BUCKETS = seconds(1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800);

	private final MeterRegistry registry;

	private final JobService jobs;

	private final TeamNames teams;

	JobMetrics(MeterRegistry registry, JobService jobs, TeamNames teams) {
		this.registry = registry;
		this.jobs = jobs;
		this.teams = teams;
	}

	// fallbackExecution: a job accepted far from its team's cap is stored by one
	// autocommitted statement, outside any transaction (JobService).
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void onTransition(JobTransitioned event) {
		try {
			record(event);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record metrics of job " + event.jobId() + " moving to " + event.to().wireName(), ex);
		}
	}

	private void record(JobTransitioned event) {
		boolean accepted = event.from() == null;
		boolean measured = accepted || event.to() == JobStatus.SUBMITTED || event.to() == JobStatus.RUNNING
				|| event.to().isTerminal();
		if (!measured) {
			return;
		}
		String team = this.teams.nameOf(event.teamId());
		if (accepted) {
			// From the event alone: accepting a job costs no read.
			Counter.builder("gateway.jobs.accepted")
				.description("Jobs accepted by POST /jobs")
				.tag("model", event.model())
				.tag("team", team)
				.register(this.registry)
				.increment();
			return;
		}
		Optional<JobView> found = this.jobs.find(event.jobId());
		if (found.isEmpty()) {
			return;
		}
		JobView job = found.get();
		if (event.to() == JobStatus.SUBMITTED) {
			timer("gateway.jobs.dispatch.wait", "Time from acceptance to RunComfy taking the job", job,
					DISPATCH_WAIT_BUCKETS)
				.record(between(job.createdAt(), event.at()));
		}
		if (event.to() == JobStatus.RUNNING && event.from() == JobStatus.SUBMITTED && job.submittedAt() != null) {
			timer("gateway.jobs.upstream.queued", "Time a job waited in RunComfy's queue before it started", job,
					UPSTREAM_QUEUE_BUCKETS)
				.record(between(job.submittedAt(), event.at()));
		}
		if (event.to().isTerminal()) {
			String outcome = event.to().wireName();
			String code = (job.error() != null && job.error().code() != null) ? job.error().code() : "none";
			Counter.builder("gateway.jobs.finished")
				.description("Jobs that reached a terminal state, by outcome and error code")
				.tag("model", job.model())
				.tag("team", team)
				.tag("outcome", outcome)
				.tag("code", code.toLowerCase(Locale.ROOT))
				.register(this.registry)
				.increment();
			Timer.builder("gateway.jobs.duration")
				.description("Time from acceptance to a terminal state")
				.tag("model", job.model())
				.tag("outcome", outcome)
				.serviceLevelObjectives(JOB_DURATION_BUCKETS)
				.register(this.registry)
				.record(between(job.createdAt(), event.at()));
		}
	}

	private Timer timer(String name, String description, JobView job, Duration[] buckets) {
		return Timer.builder(name)
			.description(description)
			.tag("model", job.model())
			.serviceLevelObjectives(buckets)
			.register(this.registry);
	}

	private static Duration between(Instant from, Instant to) {
		Duration duration = Duration.between(from, to);
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	private static Duration[] seconds(double... values) {
		Duration[] result = new Duration[values.length];
		for (int i = 0; i < values.length; i++) {
			result[i] = Duration.ofMillis(Math.round(values[i] * 1000));
		}
		return result;
	}

}
