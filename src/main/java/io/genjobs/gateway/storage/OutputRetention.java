package io.genjobs.gateway.storage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.team.TeamOutputRetention;

/**
 * Deletes output files once their retention has passed
 * ({@code gateway.storage.retention}, or the team's {@code output_retention_days}), every
 * {@code prune-interval}, in batches of {@code prune-batch-size}: a batch is marked in
 * the database (rows another instance marks are skipped), its files deleted from the
 * store (no transaction is open meanwhile), then its rows. A batch whose round died stays
 * marked and is taken over after {@value #STALE_MINUTES} minutes. A deleted file answers
 * 404 {@code output-not-found}. The loop also refreshes the stored-bytes gauge every
 * minute.
 */
final class OutputRetention extends WorkLoop {

	private static final Log logger = LogFactory.getLog(OutputRetention.class);

	private static final long STALE_MINUTES = 10;

	private static final Duration GAUGE_INTERVAL = Duration.ofMinutes(1);

	private final StoredOutputs stored;

	private final OutputStore store;

	private final TeamOutputRetention teams;

	private final StorageSettings settings;

	private final StorageMetrics metrics;

	private final Clock clock;

	private volatile Instant prunedAt = Instant.EPOCH;

	OutputRetention(StoredOutputs stored, OutputStore store, TeamOutputRetention teams, StorageSettings settings,
			StorageMetrics metrics, Clock clock) {
		super("output-retention", Duration.ofSeconds(10));
		this.stored = stored;
		this.store = store;
		this.teams = teams;
		this.settings = settings;
		this.metrics = metrics;
		this.clock = clock;
	}

	@Override
	protected boolean enabled() {
		return this.settings.enabled() && !this.settings.pruneInterval().isZero();
	}

	@Override
	protected Duration round() {
		Instant now = this.clock.instant();
		if (!now.isBefore(this.prunedAt.plus(this.settings.pruneInterval()))) {
			prune();
			this.prunedAt = now;
		}
		this.metrics.storedBytes(this.stored.totalBytes());
		return min(this.settings.pruneInterval(), GAUGE_INTERVAL);
	}

	/** Deletes every file past its retention, batch by batch; answers how many. */
	int prune() {
		Map<UUID, Duration> overrides = this.teams.overrides();
		int deleted = 0;
		// Called by the loop, it stops between batches once stopping began.
		boolean looping = isRunning();
		do {
			List<String> keys = this.stored.markExpired(this.settings.retention(), overrides,
					this.settings.pruneBatchSize(), Duration.ofMinutes(STALE_MINUTES));
			if (keys.isEmpty()) {
				break;
			}
			try {
				this.store.delete(keys);
			}
			catch (IOException ex) {
				logger.warn("Could not delete " + keys.size() + " expired output files; trying again in "
						+ STALE_MINUTES + " minutes: " + ex.getMessage());
				break;
			}
			this.stored.forget(keys);
			this.metrics.deleted(keys.size());
			deleted += keys.size();
			if (keys.size() < this.settings.pruneBatchSize()) {
				break;
			}
		}
		while (!looping || accepting());
		if (deleted > 0) {
			logger.info("Deleted " + deleted + " output files past their retention");
		}
		return deleted;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
