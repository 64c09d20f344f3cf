package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.upstream.UpstreamSettings.PollStrategy;

/**
 * When a job at RunComfy is polled next ({@code gateway.upstream.poll-strategy}):
 * <ul>
 * <li>{@code fixed}: every {@code poll-interval}, as RunComfy's CLI does;</li>
 * <li>{@code learned}, for a model with history ({@link ModelTimings}): around the job's
 * expected finish ({@link PollSchedule});</li>
 * <li>{@code learned}, for a model without: the first poll after {@code poll-interval},
 * backing off from it while the job waits in RunComfy's queue (at most
 * {@code max-poll-interval}), every {@code poll-interval} while it runs.</li>
 * </ul>
 * The poller claims due polls oldest due first, so where the shared call budget (the
 * global rate limit) is short the calls go to the jobs whose expected finish passed
 * longest ago: those most likely done.
 */
@Component
class PollPlanner {

	/**
	 * Poll back-off while a job waits in RunComfy's queue, for models without history.
	 */
	private static final double QUEUED_BACKOFF_FACTOR = 1.5;

	private final UpstreamSettings settings;

	private final ModelTimings timings;

	PollPlanner(UpstreamSettings settings, ModelTimings timings) {
		this.settings = settings;
		this.timings = timings;
	}

	/** Whether polls read the status endpoint and fetch the result once done. */
	boolean fixed() {
		return this.settings.pollStrategy() == PollStrategy.FIXED;
	}

	/** The wait from a submit to the job's first poll. */
	Duration firstPoll(String model) {
		return next(model, Duration.ZERO, true, -1);
	}

	/**
	 * The wait before the next poll of a job {@code elapsed} after its submit, which
	 * RunComfy says is queued (or running), and was seen queued by {@code queuedPolls}
	 * polls before this one.
	 */
	Duration next(String model, Duration elapsed, boolean queued, int queuedPolls) {
		if (fixed()) {
			return this.settings.pollInterval();
		}
		Optional<ModelTiming> timing = this.timings.of(model);
		if (timing.isPresent()) {
			return PollSchedule.next(timing.get(), elapsed, queued, this.settings.pollTargetLag(),
					this.settings.minPollInterval(), this.settings.maxPollInterval());
		}
		if (queuedPolls < 0) {
			return this.settings.pollInterval();
		}
		return queued ? Backoff.of(this.settings.pollInterval(), QUEUED_BACKOFF_FACTOR, queuedPolls + 1,
				this.settings.maxPollInterval()) : this.settings.pollInterval();
	}

}
