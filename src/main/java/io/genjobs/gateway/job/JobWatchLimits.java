package io.genjobs.gateway.job;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * Caps the event streams and waits open at once on this instance, in all and per team
 * ({@link JobStreamSettings}): each holds a socket, a little memory and a watch, so their
 * number is bounded like every other resource.
 */
@Component
class JobWatchLimits {

	private final int perInstance;

	private final int perTeam;

	private final AtomicInteger open = new AtomicInteger();

	// Holds only teams with something open: emptied as their last watch closes.
	private final ConcurrentHashMap<UUID, AtomicInteger> byTeam = new ConcurrentHashMap<>();

	JobWatchLimits(JobStreamSettings settings) {
		this.perInstance = settings.maxWatchersPerInstance();
		this.perTeam = settings.maxWatchersPerTeam();
	}

	/** Takes one place for the team, or throws {@link TooManyWatchersException}. */
	Permit acquire(UUID teamId) {
		if (this.open.incrementAndGet() > this.perInstance) {
			this.open.decrementAndGet();
			throw new TooManyWatchersException("this instance", this.perInstance);
		}
		boolean[] refused = { false };
		this.byTeam.compute(teamId, (id, count) -> {
			AtomicInteger counted = (count != null) ? count : new AtomicInteger();
			if (counted.get() >= this.perTeam) {
				refused[0] = true;
			}
			else {
				counted.incrementAndGet();
			}
			return counted;
		});
		if (refused[0]) {
			this.open.decrementAndGet();
			throw new TooManyWatchersException("the team", this.perTeam);
		}
		return new Permit(teamId);
	}

	/** Streams and waits open now on this instance. */
	int open() {
		return this.open.get();
	}

	/** One place taken; closing it (once, however often it is called) gives it back. */
	final class Permit implements AutoCloseable {

		private final UUID teamId;

		private final AtomicBoolean closed = new AtomicBoolean();

		private Permit(UUID teamId) {
			this.teamId = teamId;
		}

		@Override
		public void close() {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			JobWatchLimits.this.byTeam.computeIfPresent(this.teamId,
					(id, count) -> (count.decrementAndGet() <= 0) ? null : count);
			JobWatchLimits.this.open.decrementAndGet();
		}

	}

}
