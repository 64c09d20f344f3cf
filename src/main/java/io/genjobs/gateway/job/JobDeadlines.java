package io.genjobs.gateway.job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.common.WorkLoop;

/**
 * Acts on passed deadlines (DESIGN, "Deadlines and priorities"), every
 * {@code check-interval}, in batches: a job still queued is cancelled
 * ({@code deadline_exceeded}), or, while a submit of it is under way, has the cancel
 * recorded for the submit's holder (as a client's cancel during a submit); one waiting in
 * RunComfy's queue is cancelled there, through the same rate limit, pause and circuit
 * breaker as every RunComfy call ({@link UpstreamCancellation}); one RunComfy is already
 * rendering is left to finish and gets a warning. What each job gets is the job's own
 * decision ({@link JobSchedule#deadlinePassed}).
 * <p>
 * Instances share the work: a batch is claimed with {@code FOR UPDATE SKIP LOCKED}, by
 * pushing the jobs' {@code deadline_due_at} {@code cancel-retry-interval} ahead, so no
 * other instance takes them meanwhile, and a job whose cancel is still to happen (at
 * RunComfy, or by a submit's holder) is looked at again then.
 */
@Component
class JobDeadlines extends WorkLoop {

	private static final Log logger = LogFactory.getLog(JobDeadlines.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final JobChanges changes;

	private final JobLifecycle lifecycle;

	private final UpstreamCancellation upstream;

	private final JobDeadlineSettings settings;

	private final Clock clock;

	JobDeadlines(JdbcClient jdbc, TransactionTemplate transaction, JobChanges changes, JobLifecycle lifecycle,
			UpstreamCancellation upstream, JobDeadlineSettings settings, Clock clock) {
		super("job-deadlines", Duration.ofSeconds(5));
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.changes = changes;
		this.lifecycle = lifecycle;
		this.upstream = upstream;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	protected boolean enabled() {
		return this.settings.checkInterval().isPositive();
	}

	@Override
	protected Duration round() {
		int handled = handleDue();
		return (handled == this.settings.batchSize() && accepting()) ? Duration.ZERO : this.settings.checkInterval();
	}

	/** Acts on one batch of passed deadlines; answers how many jobs it took. */
	int handleDue() {
		List<UUID> due = this.transaction.execute((status) -> claimDue());
		for (UUID jobId : due) {
			JobLogContext.with(jobId, null, () -> handle(jobId));
		}
		return due.size();
	}

	private void handle(UUID jobId) {
		Decided decided = this.changes.apply(jobId,
				(job) -> new Decided(job.schedule().deadlinePassed(job, this.clock.instant()),
						job.dispatch().upstreamRequestId()));
		if (decided.step() != CancelStep.ASK_RUNCOMFY) {
			return;
		}
		try {
			if (this.upstream.cancel(decided.requestId())) {
				this.lifecycle.cancelled(jobId, "cancelled at RunComfy: its deadline passed");
			}
			// not_cancellable: RunComfy has started it; the next look finds it running.
		}
		catch (RuntimeException ex) {
			logger.warn("Could not ask RunComfy to cancel job " + jobId + " past its deadline; trying again in "
					+ this.settings.cancelRetryInterval().toSeconds() + " s: " + ex.getMessage());
		}
	}

	/** What the job made of its passed deadline, and its RunComfy request, if any. */
	private record Decided(CancelStep step, String requestId) {
	}

	/**
	 * Up to {@code batch-size} live jobs whose deadline work is due, oldest due first,
	 * hidden from other instances until {@code cancel-retry-interval} from now. Reads
	 * only {@code jobs_deadline_due_idx} (its predicate is written out here as there).
	 */
	private List<UUID> claimDue() {
		return this.jdbc.sql("""
				with due as (
				    select id from jobs
				    where deadline_due_at <= now() and deadline_due_at is not null
				      and status in ('queued', 'submitted', 'running')
				    order by deadline_due_at limit :limit
				    for update skip locked
				)
				update jobs set deadline_due_at = now() + make_interval(secs => :retry), version = version + 1
				where id in (select id from due)
				returning id
				""")
			.param("limit", this.settings.batchSize())
			.param("retry", this.settings.cancelRetryInterval().toNanos() / 1e9)
			.query(UUID.class)
			.list();
	}

}
