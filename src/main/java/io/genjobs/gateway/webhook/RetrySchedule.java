package io.genjobs.gateway.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.Assert;

/**
 * The waits between a delivery's attempts ({@code gateway.webhooks.retry-schedule}): the
 * first attempt goes out at once, the n-th retry after {@code delays[n-1]}. A delivery
 * therefore makes at most {@code delays.size() + 1} attempts.
 *
 * @param delays the waits, in order; each positive
 */
record RetrySchedule(List<Duration> delays) {

	RetrySchedule {
		Assert.notEmpty(delays, "the retry schedule needs at least one delay");
		for (Duration delay : delays) {
			Assert.isTrue(delay.isPositive(), "retry schedule delays must be positive");
		}
		delays = List.copyOf(delays);
	}

	/**
	 * Reads {@code 5s,5m,30m,2h}: comma-separated durations in Spring's simple form
	 * ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}) or ISO-8601.
	 */
	static RetrySchedule parse(String text) {
		List<Duration> delays = new ArrayList<>();
		for (String part : text.split(",")) {
			String trimmed = part.strip();
			if (!trimmed.isEmpty()) {
				delays.add(DurationStyle.detectAndParse(trimmed));
			}
		}
		return new RetrySchedule(delays);
	}

	/** Attempts a delivery makes on this schedule: the first one and one per delay. */
	int attempts() {
		return this.delays.size() + 1;
	}

	/**
	 * The wait after the {@code attempt}-th attempt failed (1-based), spread by up to
	 * {@code jitter} (a fraction) either way, so that deliveries failed together by one
	 * outage do not all come back at the same instant. Past the schedule's end (a manual
	 * retry that failed again), the last delay.
	 */
	Duration delayAfter(int attempt, double jitter, RandomGenerator random) {
		Duration base = this.delays.get(Math.clamp(attempt - 1, 0, this.delays.size() - 1));
		double factor = 1 + jitter * (2 * random.nextDouble() - 1);
		return Duration.ofNanos(Math.round(base.toNanos() * factor));
	}

	@Override
	public String toString() {
		return String.join(",", this.delays.stream().map(RetrySchedule::format).toList());
	}

	/** A duration as it is written in settings: {@code 5s}, {@code 30m}, {@code 24h}. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		long[] units = { 3_600_000, 60_000, 1_000 };
		String[] names = { "h", "m", "s" };
		for (int i = 0; i < units.length; i++) {
			if (millis != 0 && millis % units[i] == 0) {
				return (millis / units[i]) + names[i];
			}
		}
		return millis + "ms";
	}

}
