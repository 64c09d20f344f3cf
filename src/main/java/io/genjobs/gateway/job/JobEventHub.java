package io.genjobs.gateway.job;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.persistence.ChannelListener;

/**
 * Tells the clients that watch a job on this instance (event streams,
 * {@code Prefer: wait}) that it changed, whichever instance changed it.
 * <p>
 * Every state change sends a PostgreSQL {@code NOTIFY} on {@value #CHANNEL}
 * ({@link JobHistory}; creation sends none, see {@link JobInserts}) with a payload of
 * {@code <job id>:<sequence>:
 * <status>}, delivered when its transaction commits. Each instance listens on ONE
 * connection of its own, outside the pool ({@link ChannelListener}), however many clients
 * watch. A notification for a job nobody here watches costs a map look-up; for a watched
 * one, the job and its history are read once ({@link JobSnapshot}, a short read on a
 * virtual thread, a few at a time) and handed to each of its watchers. Nothing polls the
 * jobs table: when the listening connection comes (back) up, every watched job is read
 * once instead, for the notifications missed while nobody listened.
 * <p>
 * Snapshots may reach a watcher out of order or twice (two reads racing); watchers keep
 * the highest sequence they have seen.
 */
@Component
class JobEventHub extends ChannelListener {

	static final String CHANNEL = "job_events";

	/** How the listening connection shows in {@code pg_stat_activity}. */
	static final String APPLICATION_NAME = "runcomfy-gateway job-event listener";

	private static final Log logger = LogFactory.getLog(JobEventHub.class);

	/** Snapshot reads at once: they take pool connections, briefly. */
	private static final int CONCURRENT_READS = 4;

	private final JobService jobs;

	private final ConcurrentHashMap<UUID, Set<Watch>> watches = new ConcurrentHashMap<>();

	private final Semaphore reads = new Semaphore(CONCURRENT_READS);

	JobEventHub(DataSource dataSource, JobService jobs) {
		super("job-event-listener", dataSource, CHANNEL, APPLICATION_NAME);
		this.jobs = jobs;
	}

	/**
	 * The notification payload of a state change: small, far below PostgreSQL's 8000
	 * bytes.
	 */
	static String payload(UUID jobId, int sequence, JobStatus status) {
		return jobId + ":" + sequence + ":" + status.wireName();
	}

	/** What watches a job: told of each change, and of the gateway stopping. */
	interface Watcher {

		/** The job changed (or may have): this is how it is now. Must not block. */
		void changed(JobSnapshot snapshot);

		/** The gateway stops: end the watch now (a stream ends, a wait answers). */
		void stopping();

	}

	/**
	 * Hands {@code watcher} a snapshot of the job each time it changes, until the
	 * returned watch is closed.
	 */
	Watch watch(UUID jobId, Watcher watcher) {
		Watch watch = new Watch(jobId, watcher);
		this.watches.computeIfAbsent(jobId, (id) -> ConcurrentHashMap.newKeySet()).add(watch);
		return watch;
	}

	/** Jobs watched on this instance now. */
	int watchedJobs() {
		return this.watches.size();
	}

	/** A watcher's registration; closing it stops the snapshots. */
	final class Watch implements AutoCloseable {

		private final UUID jobId;

		private final Watcher watcher;

		private Watch(UUID jobId, Watcher watcher) {
			this.jobId = jobId;
			this.watcher = watcher;
		}

		@Override
		public void close() {
			JobEventHub.this.watches.computeIfPresent(this.jobId, (id, set) -> {
				set.remove(this);
				return set.isEmpty() ? null : set;
			});
		}

	}

	/** A notification arrived: reads the job once, if anyone here watches it. */
	@Override
	protected void notified(String payload) {
		int colon = payload.indexOf(':');
		UUID jobId;
		try {
			jobId = UUID.fromString((colon > 0) ? payload.substring(0, colon) : payload);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Ignored a malformed " + CHANNEL + " notification");
			return;
		}
		if (this.watches.containsKey(jobId)) {
			execute(() -> readAndHandOut(jobId));
		}
	}

	private void readAndHandOut(UUID jobId) {
		Optional<JobSnapshot> snapshot;
		try {
			this.reads.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		try {
			snapshot = this.jobs.snapshot(jobId);
		}
		catch (RuntimeException ex) {
			logger.warn("Job " + jobId + " changed but could not be read for its watchers: " + ex.getMessage());
			return;
		}
		finally {
			this.reads.release();
		}
		Set<Watch> watching = this.watches.get(jobId);
		if (snapshot.isPresent() && watching != null) {
			for (Watch watch : watching) {
				watch.watcher.changed(snapshot.get());
			}
		}
	}

	/** Whatever changed while nobody listened: each watched job is read once. */
	@Override
	protected void subscribed() {
		for (UUID jobId : this.watches.keySet()) {
			execute(() -> readAndHandOut(jobId));
		}
	}

	@Override
	protected void lost(Exception cause) {
		logger.warn("Job event listener down (watchers get no news) until it reconnects: " + cause.getMessage());
	}

	/** Ends every watch, so that open streams do not hold up a graceful shutdown. */
	@Override
	protected void onStopping() {
		super.onStopping();
		this.watches.values().forEach((watching) -> watching.forEach((watch) -> watch.watcher.stopping()));
	}

}
