package io.genjobs.gateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.job.JobCounts;
import io.genjobs.gateway.job.JobStatus;
import io.genjobs.gateway.webhook.DeliveryCounts;

/**
 * The gateway's state for the {@code gateway} endpoint and the queue gauges, as the job
 * and webhook features count it ({@link JobCounts}, {@link DeliveryCounts}: what each
 * number costs is said there). Webhook deliveries are counted never past
 * {@value #DELIVERY_COUNT_LIMIT} per status. Results are kept for {@link #MAX_AGE}, so
 * Prometheus scrapes from every replica and operators' requests do not multiply the
 * queries.
 */
@Component
class JobStatistics {

	static final Duration MAX_AGE = Duration.ofSeconds(5);

	static final long DELIVERY_COUNT_LIMIT = 100_000;

	private final JobCounts jobs;

	private final DeliveryCounts deliveries;

	private final Clock clock;

	private GatewayStatus cached;

	JobStatistics(JobCounts jobs, DeliveryCounts deliveries, Clock clock) {
		this.jobs = jobs;
		this.deliveries = deliveries;
		this.clock = clock;
	}

	/** The current numbers, at most {@link #MAX_AGE} old. */
	synchronized GatewayStatus current() {
		Instant now = this.clock.instant();
		if (this.cached == null || this.cached.measuredAt().plus(MAX_AGE).isBefore(now)) {
			this.cached = read(now);
		}
		return this.cached;
	}

	/** Drops the kept numbers: the next read queries the database. */
	synchronized void forget() {
		this.cached = null;
	}

	private GatewayStatus read(Instant now) {
		GatewayStatus.Jobs jobs = readJobs(now);
		GatewayStatus.Deliveries backlog = this.deliveries.backlog(DELIVERY_COUNT_LIMIT)
			.map((counted) -> new GatewayStatus.Deliveries(counted.pending(), counted.failed(), DELIVERY_COUNT_LIMIT))
			.orElse(null);
		return new GatewayStatus(now, jobs, backlog);
	}

	private GatewayStatus.Jobs readJobs(Instant now) {
		JobCounts.Unfinished unfinished = this.jobs.unfinished();
		JobCounts.Terminal terminal = this.jobs.terminal();
		Map<String, Long> byState = new LinkedHashMap<>();
		byState.put(JobStatus.QUEUED.wireName(), unfinished.queued());
		byState.put(JobStatus.SUBMITTED.wireName(), unfinished.submitted());
		byState.put(JobStatus.RUNNING.wireName(), unfinished.running());
		byState.putAll(terminal.counts());
		Instant oldest = unfinished.oldestQueuedAt();
		double age = (oldest != null) ? Math.max(0, Duration.between(oldest, now).toNanos() / 1e9) : 0;
		List<String> estimated = terminal.estimated() ? List.copyOf(terminal.counts().keySet()) : List.of();
		return new GatewayStatus.Jobs(byState, terminal.method(), estimated, oldest, age, unfinished.inFlightUpstream(),
				unfinished.dispatching());
	}

}
