package io.genjobs.gateway.upstream.simulator;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One job in the simulator. Its course is fixed when it is submitted (delays and fate),
 * so its state at any moment is computed from the clock rather than driven by timers.
 */
final class SimulatedJob {

	enum Fate {

		SUCCEED, FAIL, NEVER_FINISH

	}

	enum Phase {

		QUEUED, RUNNING, DONE, CANCELLED

	}

	/**
	 * What the job makes when it succeeds: its model's kind of output, how many files,
	 * and what it costs in USD ({@code null} for a model without a price).
	 */
	record Output(SimulatorCatalog.OutputKind kind, int count, @Nullable BigDecimal cost) {

		Output(SimulatorCatalog.OutputKind kind, int count) {
			this(kind, count, null);
		}

		static final Output ONE_VIDEO = new Output(SimulatorCatalog.OutputKind.VIDEO, 1);

	}

	private final String id;

	private final long sequence;

	private final Instant submittedAt;

	private final Instant startsAt;

	private final Instant finishesAt;

	private final Fate fate;

	private final Output output;

	private @Nullable Instant cancelledAt;

	SimulatedJob(String id, long sequence, Instant submittedAt, Duration queueDelay, Duration runDelay, Fate fate,
			Output output) {
		this.output = output;
		this.id = id;
		this.sequence = sequence;
		this.submittedAt = submittedAt;
		this.startsAt = submittedAt.plus(queueDelay);
		this.finishesAt = this.startsAt.plus(runDelay);
		this.fate = fate;
	}

	String id() {
		return this.id;
	}

	long sequence() {
		return this.sequence;
	}

	Instant submittedAt() {
		return this.submittedAt;
	}

	Output output() {
		return this.output;
	}

	Fate fate() {
		return this.fate;
	}

	synchronized Phase phase(Instant now) {
		if (this.cancelledAt != null) {
			return Phase.CANCELLED;
		}
		if (now.isBefore(this.startsAt)) {
			return Phase.QUEUED;
		}
		if (this.fate == Fate.NEVER_FINISH || now.isBefore(this.finishesAt)) {
			return Phase.RUNNING;
		}
		return Phase.DONE;
	}

	/** Cancels the job if it is still queued; answers whether it is cancelled now. */
	synchronized boolean cancel(Instant now) {
		Phase phase = phase(now);
		if (phase == Phase.QUEUED) {
			this.cancelledAt = now;
			return true;
		}
		return phase == Phase.CANCELLED;
	}

	/** When the job finished or was cancelled, if it has by {@code now}. */
	synchronized @Nullable Instant finishedAt(Instant now) {
		return switch (phase(now)) {
			case CANCELLED -> this.cancelledAt;
			case DONE -> this.finishesAt;
			default -> null;
		};
	}

	/**
	 * When the job stops counting as in flight at RunComfy: its cancellation, its
	 * scheduled end, or never.
	 */
	synchronized @Nullable Instant leavesFlightAt() {
		if (this.cancelledAt != null) {
			return this.cancelledAt;
		}
		return (this.fate == Fate.NEVER_FINISH) ? null : this.finishesAt;
	}

}
