package io.genjobs.gateway.job;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Each team's queued count as this instance last read it from the database, plus what
 * this instance accepted since: the estimate that lets requests far from
 * {@code max_queued_jobs} skip the exact check.
 * <p>
 * A count older than {@code refreshAfter} is read again in the background while requests
 * go on with the one they have: no request waits for the count (which scans the team's
 * queued jobs, up to the cap: tens of milliseconds for a deep queue) except the first for
 * a team, or after {@code expireAfter} without one. Jobs this instance accepts while a
 * count is being read are never dropped from the estimate: the new estimate keeps the
 * same counter and subtracts only what it held when the count began (a job counted by
 * both is counted twice, which errs on the safe side).
 */
final class QueuedEstimates {

	/** Counts a team's queued jobs, counting no further than the limit. */
	@FunctionalInterface
	interface Counter {

		int countQueuedUpTo(UUID teamId, int limit);

	}

	private final LoadingCache<TeamLimit, Estimate> estimates;

	QueuedEstimates(Counter counter, Duration refreshAfter, Duration expireAfter, Executor executor, Ticker ticker) {
		this.estimates = Caffeine.newBuilder()
			.refreshAfterWrite(refreshAfter)
			.expireAfterWrite(expireAfter)
			.maximumSize(10_000)
			.executor(executor)
			.ticker(ticker)
			.build(new CacheLoader<>() {

				@Override
				public Estimate load(TeamLimit key) {
					return new Estimate(counter.countQueuedUpTo(key.teamId(), key.limit()), new LongAdder(), 0);
				}

				@Override
				public Estimate reload(TeamLimit key, Estimate old) {
					long before = old.added().sum();
					return new Estimate(counter.countQueuedUpTo(key.teamId(), key.limit()), old.added(), before);
				}

			});
	}

	/**
	 * The team's estimate: one look-up per request, for both the check and the count of
	 * the job accepted after it (a refreshed estimate shares the counter).
	 */
	Estimate of(UUID teamId, int limit) {
		return this.estimates.get(new TeamLimit(teamId, limit));
	}

	private record TeamLimit(UUID teamId, int limit) {
	}

	record Estimate(int counted, LongAdder added, long addedBefore) {

		/** The team's estimated queued count. */
		long current() {
			return this.counted + this.added.sum() - this.addedBefore;
		}

		/** Counts a job this instance accepted for the team. */
		void add() {
			this.added.increment();
		}

	}

}
