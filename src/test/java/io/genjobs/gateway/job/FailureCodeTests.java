package io.genjobs.gateway.job;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The failure codes clients see, and the wording of their messages. */
class FailureCodeTests {

	@Test
	void shouldNameEachCodeOnceInTheWireForm() {
		assertThat(Arrays.stream(FailureCode.values()).map(FailureCode::wireName)).containsExactly("upstream_rejected",
				"upstream_unavailable", "submit_outcome_unknown", "upstream_failed", "upstream_timeout",
				"upstream_request_lost", "deadline_exceeded");
	}

	@Test
	void shouldFillEachWordingWithItsParticulars() {
		assertThat(FailureCode.UPSTREAM_UNAVAILABLE.because(10, "RunComfy (HTTP 503): busy").message())
			.isEqualTo("RunComfy could not take the job after 10 attempts; last: RunComfy (HTTP 503): busy");
		assertThat(FailureCode.SUBMIT_OUTCOME_UNKNOWN.because("RunComfy did not answer the submit").message())
			.isEqualTo("RunComfy did not answer the submit; the job may or may not have reached RunComfy, "
					+ "so it was not sent again.");
		assertThat(FailureCode.UPSTREAM_TIMEOUT.because(Duration.ofMinutes(30)).message())
			.isEqualTo("RunComfy did not finish the job within PT30M of its submit.");
		assertThat(FailureCode.UPSTREAM_REQUEST_LOST.because("req-1", "RunComfy error 404001").message())
			.isEqualTo("RunComfy no longer knows the job's request req-1: RunComfy error 404001");
		assertThat(FailureCode.UPSTREAM_FAILED.because("100% broken").message()).isEqualTo("100% broken");
		assertThat(FailureCode.UPSTREAM_REJECTED.because("x").code()).isEqualTo(FailureCode.UPSTREAM_REJECTED);
	}

}
