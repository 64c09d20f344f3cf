package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The next-poll computation of {@link PollSchedule}, without any I/O. */
class PollScheduleTests {

	private static final Duration LAG = Duration.ofMillis(1500);

	private static final Duration MIN = Duration.ofMillis(500);

	private static final Duration MAX = Duration.ofSeconds(30);

	/** Jobs of about 20 s (median), most between 11 s and 36 s. */
	private static final ModelTiming TWENTY_SECONDS = new ModelTiming("m", 100, Math.log(20), 0.3, Math.log(15), 0.25);

	@Test
	void pollsSparselyEarlyDenselyNearTheExpectedEndAndBacksOffAfterIt() {
		List<Double> polls = new ArrayList<>();
		List<Double> waits = new ArrayList<>();
		double at = 0;
		while (at < 120) {
			double wait = seconds(
					PollSchedule.next(TWENTY_SECONDS, Duration.ofMillis((long) (at * 1000)), false, LAG, MIN, MAX));
			waits.add(wait);
			at += wait;
			polls.add(at);
		}
		// The first poll comes only when a job may have finished: after 1 % of them.
		double firstPercentile = 20 * Math.exp(0.3 * PollSchedule.inverseCdf(PollSchedule.LATE_SHARE));
		assertThat(polls.get(0)).isCloseTo(firstPercentile + 1.5, within(0.01)).isGreaterThan(10);
		// Around the median the polls are about the target lag apart, never closer.
		List<Double> nearEnd = new ArrayList<>();
		for (int i = 1; i < polls.size(); i++) {
			if (polls.get(i - 1) >= 15 && polls.get(i - 1) <= 25) {
				nearEnd.add(waits.get(i));
			}
		}
		assertThat(nearEnd).isNotEmpty().allSatisfy((wait) -> assertThat(wait).isBetween(1.5, 1.8));
		// Long after the expected end the waits grow, up to the ceiling.
		assertThat(waits.get(waits.size() - 1)).isGreaterThan(waits.get(waits.size() / 2));
		assertThat(seconds(PollSchedule.next(TWENTY_SECONDS, Duration.ofSeconds(80), false, LAG, MIN, MAX)))
			.isEqualTo(80 / PollSchedule.TAIL_BACKOFF);
		assertThat(seconds(PollSchedule.next(TWENTY_SECONDS, Duration.ofMinutes(10), false, LAG, MIN, MAX)))
			.isEqualTo(30);
		assertThat(waits).allSatisfy((wait) -> assertThat(wait).isBetween(0.5, 30.0));
	}

	@Test
	void staysWithinTheFloorAndTheCeiling() {
		ModelTiming instant = new ModelTiming("fast", 10, Math.log(0.05), 0.1, null, null);
		assertThat(PollSchedule.next(instant, Duration.ofSeconds(1), false, Duration.ZERO, MIN, MAX)).isEqualTo(MIN);
		ModelTiming slow = new ModelTiming("slow", 10, Math.log(3600), 0.2, null, null);
		assertThat(PollSchedule.next(slow, Duration.ZERO, false, LAG, MIN, MAX)).isEqualTo(MAX);
		// A floor above the ceiling (tests' short ceilings) gives the ceiling.
		assertThat(PollSchedule.next(instant, Duration.ofSeconds(1), false, LAG, MIN, Duration.ofMillis(300)))
			.isEqualTo(Duration.ofMillis(300));
	}

	@Test
	void aQueuedJobIsNotPolledBeforeItsShortestPlausibleRun() {
		Duration running = PollSchedule.next(TWENTY_SECONDS, Duration.ofSeconds(20), false, LAG, MIN, MAX);
		Duration queued = PollSchedule.next(TWENTY_SECONDS, Duration.ofSeconds(20), true, LAG, MIN, MAX);

		double shortestRun = 15 * Math.exp(0.25 * -2.326);
		assertThat(seconds(running)).isLessThan(2);
		assertThat(seconds(queued)).isCloseTo(shortestRun, within(0.01));
	}

	@Test
	void aFewIdenticalSamplesStillLeaveASpread() {
		ModelTiming identical = new ModelTiming("same", 5, Math.log(10), 0, null, null);

		Duration first = PollSchedule.next(identical, Duration.ZERO, false, LAG, MIN, MAX);

		assertThat(seconds(first)).isLessThan(10 + 1.5).isGreaterThan(5);
	}

	@Test
	void theNormalFunctionsInvertEachOther() {
		for (double p : new double[] { 0.001, 0.01, 0.2, 0.5, 0.8, 0.99, 0.999 }) {
			assertThat(PollSchedule.cdf(PollSchedule.inverseCdf(p))).isCloseTo(p, within(1e-6));
		}
		assertThat(PollSchedule.inverseCdf(0.975)).isCloseTo(1.95996, within(1e-4));
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

}
