package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	@Test
	void readsDeltaSeconds() {
		assertThat(RetryAfter.parse("7", NOW)).isEqualTo(Duration.ofSeconds(7));
		assertThat(RetryAfter.parse(" 0 ", NOW)).isEqualTo(Duration.ZERO);
	}

	@Test
	void readsAnHttpDateFromNow() {
		assertThat(RetryAfter.parse("Sun, 01 Mar 2026 12:01:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
	}

	@Test
	void aDateInThePastMeansNoWait() {
		assertThat(RetryAfter.parse("Sun, 01 Mar 2026 11:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
	}

	@Test
	void anAbsentOrUnreadableValueIsNull() {
		assertThat(RetryAfter.parse(null, NOW)).isNull();
		assertThat(RetryAfter.parse("  ", NOW)).isNull();
		assertThat(RetryAfter.parse("soon", NOW)).isNull();
		assertThat(RetryAfter.parse("-5", NOW)).isNull();
		assertThat(RetryAfter.parse("99999999999999999999", NOW)).isNull();
	}

}
