package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full-range jitter (between half and all of the computed
 * delay).
 */
final class Backoff {

	private Backoff() {
	}

	/**
	 * {@code base * factor^step}, capped at {@code max}, then jittered into [50%, 100%].
	 */
	static Duration of(Duration base, double factor, int step, Duration max) {
		double millis = base.toMillis() * Math.pow(factor, Math.max(0, step));
		long capped = (long) Math.min(millis, max.toMillis());
		long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
		return Duration.ofMillis(Math.max(1, jittered));
	}

}
