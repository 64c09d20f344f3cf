package io.genjobs.gateway.common;

import java.time.Clock;
import java.time.Duration;

/** The gateway's clock. */
public final class Clocks {

	private static final Duration MICROSECOND = Duration.ofNanos(1_000);

	private Clocks() {
	}

	/**
	 * UTC, ticking in whole microseconds: PostgreSQL keeps microseconds, so every instant
	 * the gateway hands out or writes equals what a later read of it returns.
	 */
	public static Clock microseconds() {
		return Clock.tick(Clock.systemUTC(), MICROSECOND);
	}

}
