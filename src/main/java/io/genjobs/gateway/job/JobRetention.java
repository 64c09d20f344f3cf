package io.genjobs.gateway.job;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.genjobs.gateway.common.WorkLoop;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes terminal jobs once they finished longer than {@code gateway.jobs.retention}
 * ago, every {@code prune-interval}, in batches of {@code prune-batch-size} per short
 * transaction. A job takes its history and its webhook events (and their deliveries) with
 * it ({@code on delete cascade}). Queued and in-flight jobs are never touched. Instances
 * prune side by side: each batch locks its rows with {@code SKIP LOCKED}.
 */
@Component
class JobRetention extends WorkLoop {

	private static final Log logger = LogFactory.getLog(JobRetention.class);

	/** Batches one pass makes at most, so one pass cannot run for ever. */
	private static final int MAX_BATCHES_PER_PASS = 1000;

	/**
	 * The terminal states as SQL literals, written into the statement (not bound) so that
	 * the planner matches the partial index's predicate.
	 */
	private static final String TERMINAL = Arrays.stream(JobStatus.values())
		.filter(JobStatus::isTerminal)
		.map((status) -> "'" + status.wireName() + "'")
		.collect(Collectors.joining(", "));

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final JobRetentionSettings settings;

	private final Clock clock;

	/** Set once stopping began: a pass under way ends after its current batch. */
	private volatile boolean stopping;

	JobRetention(JdbcClient jdbc, TransactionTemplate transaction, JobRetentionSettings settings, Clock clock) {
		super("job-retention", Duration.ofSeconds(5));
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	protected boolean enabled() {
		return this.settings.pruneInterval().isPositive();
	}

	@Override
	protected void onStopping() {
		this.stopping = true;
	}

	@Override
	protected Duration round() {
		int deleted = prune();
		if (deleted > 0) {
			logger.info("Deleted " + deleted + " jobs that finished more than " + this.settings.retention().toDays()
					+ " days ago");
		}
		return this.settings.pruneInterval();
	}

	/** Deletes what is past retention now, batch by batch; answers how many jobs. */
	int prune() {
		Instant cutoff = this.clock.instant().minus(this.settings.retention());
		int batch = this.settings.pruneBatchSize();
		int total = 0;
		for (int round = 0; round < MAX_BATCHES_PER_PASS; round++) {
			Integer deleted = this.transaction.execute((status) -> deleteBatch(cutoff, batch));
			total += deleted;
			if (deleted < batch || this.stopping) {
				break;
			}
		}
		return total;
	}

	/**
	 * Oldest first by the partial {@code jobs_finished_idx}, which live jobs never enter.
	 */
	private int deleteBatch(Instant cutoff, int batch) {
		return this.jdbc.sql("""
				delete from jobs where id in (
				    select id from jobs
				    where status in (%s) and completed_at < :cutoff
				    order by completed_at limit :batch
				    for update skip locked
				)
				""".formatted(TERMINAL)).param("cutoff", Timestamp.from(cutoff)).param("batch", batch).update();
	}

}
