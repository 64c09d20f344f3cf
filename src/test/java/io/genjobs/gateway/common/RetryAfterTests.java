package io.genjobs.gateway.common;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void readsSecondsAndHttpDates() {
		assertThat(RetryAfter.parse("120", this.now)).isEqualTo(Duration.ofMinutes(2));
		assertThat(RetryAfter.parse(" 7 ", this.now)).isEqualTo(Duration.ofSeconds(7));
		assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:01:00 GMT", this.now)).isEqualTo(Duration.ofMinutes(1));
		assertThat(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", this.now)).isEqualTo(Duration.ZERO);
	}

	@Test
	void readsZeroSecondsAsNoWait() {
		assertThat(RetryAfter.parse(" 0 ", this.now)).isEqualTo(Duration.ZERO);
	}

	@Test
	void measuresAnHttpDateFromNowToTheSecond() {
		assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:01:30 GMT", this.now)).isEqualTo(Duration.ofSeconds(90));
	}

	@Test
	void unreadableOrAbsurdValuesAreNoWait() {
		assertThat(RetryAfter.parse(null, this.now)).isNull();
		assertThat(RetryAfter.parse("", this.now)).isNull();
		assertThat(RetryAfter.parse("  ", this.now)).isNull();
		assertThat(RetryAfter.parse("soon", this.now)).isNull();
		assertThat(RetryAfter.parse("-5", this.now)).isNull();
		assertThat(RetryAfter.parse("99999999999", this.now)).isNull();
		assertThat(RetryAfter.parse("99999999999999999999", this.now)).isNull();
		assertThat(RetryAfter.parse("\u0663", this.now)).isNull();
	}

}
