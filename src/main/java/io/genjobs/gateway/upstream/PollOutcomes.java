package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.job.JobLifecycle.PollTicket;

/**
 * What the poller records when it sees a job end at RunComfy: the job's timings, learned
 * for its model ({@link ModelTimings}, succeeded jobs only), and two metrics:
 * <ul>
 * <li>{@code gateway.upstream.calls.per.job} (by {@code model}): the status and result
 * calls the job cost (its polls, one call each, plus this poll's second call where the
 * status endpoint was read; the submit and retries of a failed call are not
 * counted);</li>
 * <li>{@code gateway.jobs.detection.lag}: from RunComfy's finish to the poll that saw it,
 * by RunComfy's {@code finished_at} when its result carries a plausible one
 * ({@code source=finished_at}), otherwise estimated as half the time since the previous
 * poll ({@code source=estimate}).</li>
 * </ul>
 */
@Component
class PollOutcomes {

	private static final Log logger = LogFactory.getLog(PollOutcomes.class);

	/** How far RunComfy's clock may be off ours before its timestamps are not used. */
	private static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

	private final ModelTimings timings;

	private final MeterRegistry meters;

	PollOutcomes(ModelTimings timings, MeterRegistry meters) {
		this.timings = timings;
		this.meters = meters;
	}

	/** The job ended at RunComfy (done, with or without output), seen {@code now}. */
	void finished(PollTicket ticket, RequestResult result, int callsThisPoll, Instant now) {
		countCalls(ticket, callsThisPoll);
		Instant finishedAt = plausible(result.finishedAt(), ticket.submittedAt(), now);
		Duration lag;
		String source;
		if (finishedAt != null) {
			lag = Duration.between(finishedAt, now);
			source = "finished_at";
		}
		else {
			Instant previous = (ticket.previousPollAt() != null) ? ticket.previousPollAt() : ticket.submittedAt();
			lag = Duration.between(previous, now).dividedBy(2);
			source = "estimate";
		}
		Timer.builder("gateway.jobs.detection.lag")
			.description("From RunComfy finishing a job to the poll that saw it")
			.tag("source", source)
			.publishPercentileHistogram()
			.register(this.meters)
			.record(lag.isNegative() ? Duration.ZERO : lag);
		if (!result.succeeded()) {
			return;
		}
		Instant createdAt = plausible(result.createdAt(), ticket.submittedAt(), now);
		Duration total = (finishedAt != null && createdAt != null && !createdAt.isAfter(finishedAt))
				? Duration.between(createdAt, finishedAt) : Duration.between(ticket.submittedAt(), now).minus(lag);
		Duration queue = (ticket.runningSince() != null) ? Duration.between(ticket.submittedAt(), ticket.runningSince())
				: null;
		try {
			this.timings.learn(ticket.model(), total, queue);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record how long job " + ticket.jobId() + " took: " + ex.getMessage());
		}
	}

	/** The job was cancelled at RunComfy. */
	void cancelled(PollTicket ticket, int callsThisPoll) {
		countCalls(ticket, callsThisPoll);
	}

	private void countCalls(PollTicket ticket, int callsThisPoll) {
		DistributionSummary.builder("gateway.upstream.calls.per.job")
			.description("Status and result calls to RunComfy per job, recorded when it ends")
			.tag("model", ticket.model())
			.register(this.meters)
			.record(Math.max(0, ticket.polls() - 1) + callsThisPoll);
	}

	/**
	 * RunComfy's timestamp where it fits what the gateway saw: not before the submit
	 * (give or take {@link #CLOCK_SLACK}) and not after now.
	 */
	private static @Nullable Instant plausible(@Nullable Instant at, Instant submittedAt, Instant now) {
		if (at == null || at.isBefore(submittedAt.minus(CLOCK_SLACK)) || at.isAfter(now.plus(CLOCK_SLACK))) {
			return null;
		}
		return at.isAfter(now) ? now : at;
	}

}
