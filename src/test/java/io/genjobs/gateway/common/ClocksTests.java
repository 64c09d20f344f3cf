package io.genjobs.gateway.common;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClocksTests {

	@Test
	void theGatewayClockTicksInWholeMicroseconds() {
		for (int i = 0; i < 1000; i++) {
			Instant now = Clocks.microseconds().instant();
			assertThat(now.getNano() % 1_000).isZero();
		}
	}

	@Test
	void idsAreVersionSevenAndDistinct() {
		assertThat(Ids.next().version()).isEqualTo(7);
		assertThat(Ids.next()).isNotEqualTo(Ids.next());
	}

}
