package io.genjobs.gateway.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.genjobs.gateway.common.RetryAfter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryScheduleTests {

	@Test
	void readsTheDefaultSchedule() {
		RetrySchedule schedule = RetrySchedule.parse("5s,5m,30m,2h,5h,10h,14h,20h,24h");
		assertThat(schedule.delays()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5),
				Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
				Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));
		assertThat(schedule.attempts()).isEqualTo(10);
		assertThat(schedule).hasToString("5s,5m,30m,2h,5h,10h,14h,20h,24h");
	}

	@Test
	void readsMillisecondsSpacesAndIso() {
		assertThat(RetrySchedule.parse(" 100ms, PT1S ,2m").delays()).containsExactly(Duration.ofMillis(100),
				Duration.ofSeconds(1), Duration.ofMinutes(2));
	}

	@Test
	void refusesEmptyAndNonPositiveSchedules() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetrySchedule.parse(" , "));
		assertThatIllegalArgumentException().isThrownBy(() -> RetrySchedule.parse("5s,0s"));
		assertThatIllegalArgumentException().isThrownBy(() -> RetrySchedule.parse("5 parsecs"));
	}

	@Test
	void withoutJitterWaitsExactlyTheScheduleAndThenItsLastDelay() {
		RetrySchedule schedule = RetrySchedule.parse("1s,2s,3s");
		RandomGenerator random = new SplittableRandom(1);
		assertThat(schedule.delayAfter(1, 0, random)).isEqualTo(Duration.ofSeconds(1));
		assertThat(schedule.delayAfter(3, 0, random)).isEqualTo(Duration.ofSeconds(3));
		assertThat(schedule.delayAfter(7, 0, random)).isEqualTo(Duration.ofSeconds(3));
	}

	@RepeatedTest(20)
	void jitterSpreadsEachWaitWithinItsFraction() {
		long seed = Instant.now().toEpochMilli();
		RandomGenerator random = new SplittableRandom(seed);
		RetrySchedule schedule = RetrySchedule.parse("10s");
		for (int i = 0; i < 100; i++) {
			assertThat(schedule.delayAfter(1, 0.1, random)).as("seed %d", seed)
				.isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
		}
	}

	@Test
	void readsRetryAfterAsSecondsOrHttpDate() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofMinutes(2));
		assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:01:00 GMT", now)).isEqualTo(Duration.ofMinutes(1));
		assertThat(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", now)).isEqualTo(Duration.ZERO);
		assertThat(RetryAfter.parse("soon", now)).isNull();
		assertThat(RetryAfter.parse("99999999999", now)).isNull();
		assertThat(RetryAfter.parse(null, now)).isNull();
	}

}
