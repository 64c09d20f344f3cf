package io.genjobs.gateway.job;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code Prefer: wait=N}: answers a job once it is terminal, or after {@code N}. The
 * waiting thread (a virtual thread) parks on a notification from {@link JobEventHub}
 * holding no database connection: the job is read once right after the watch starts
 * (closing the race with a change in between) and once more to answer.
 */
@Component
class JobWaits {

	private final JobService jobs;

	private final JobEventHub hub;

	private final JobWatchLimits limits;

	JobWaits(JobService jobs, JobEventHub hub, JobWatchLimits limits) {
		this.jobs = jobs;
		this.hub = hub;
		this.limits = limits;
	}

	/** The team's job once it is terminal, or as it is after {@code wait}. */
	JobView awaitTerminal(TeamPrincipal team, UUID id, Duration wait) {
		try (JobWatchLimits.Permit permit = this.limits.acquire(team.id())) {
			CompletableFuture<Void> finished = new CompletableFuture<>();
			try (JobEventHub.Watch watch = this.hub.watch(id, new JobEventHub.Watcher() {

				@Override
				public void changed(JobSnapshot snapshot) {
					if (snapshot.job().status().isTerminal()) {
						finished.complete(null);
					}
				}

				@Override
				public void stopping() {
					finished.complete(null);
				}

			})) {
				JobView job = this.jobs.get(team, id);
				if (job.status().isTerminal()) {
					return job;
				}
				park(finished, wait);
			}
		}
		return this.jobs.get(team, id);
	}

	private static void park(CompletableFuture<Void> finished, Duration wait) {
		try {
			finished.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// N passed: answered as the job is now.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
