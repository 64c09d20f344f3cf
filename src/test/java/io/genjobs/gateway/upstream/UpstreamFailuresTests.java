package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.genjobs.gateway.upstream.UpstreamException.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which RunComfy failures open the circuit breaker, and which are retried at once by the
 * read and submit retries ({@code application.yaml} names these predicates).
 */
class UpstreamFailuresTests {

	private final UpstreamFailures.Unhealthy unhealthy = new UpstreamFailures.Unhealthy();

	private final UpstreamFailures.RetryableRead retryableRead = new UpstreamFailures.RetryableRead();

	private final UpstreamFailures.RetryableSubmit retryableSubmit = new UpstreamFailures.RetryableSubmit();

	@ParameterizedTest(name = "{0}: unhealthy={1}, read retried={2}, submit resent={3}")
	@CsvSource({ "NOT_SENT,        true,  true,  true", "RATE_LIMITED,    false, true,  true",
			"SERVER_ERROR,    true,  true,  true", "REJECTED,        false, false, false",
			"OUTCOME_UNKNOWN, true,  true,  false", "MALFORMED,       true,  true,  false",
			// A refusal for insufficient balance neither opens the breaker nor is resent
			// at
			// once: the payment pause decides when a job is tried again.
			"PAYMENT_REQUIRED, false, false, false" })
	void shouldClassifyEachKindOfFailure(Kind kind, boolean countsAsUnhealthy, boolean readIsRetried,
			boolean submitIsResent) {
		UpstreamException failure = new UpstreamException(kind, UpstreamOperation.SUBMIT, null, null, null, null,
				"a " + kind + " failure", null);

		assertThat(this.unhealthy.test(failure)).isEqualTo(countsAsUnhealthy);
		assertThat(this.retryableRead.test(failure)).isEqualTo(readIsRetried);
		assertThat(this.retryableSubmit.test(failure)).isEqualTo(submitIsResent);
		assertThat(kind.safeToResend()).isEqualTo(submitIsResent);
	}

	@Test
	void shouldLeaveFailuresOtherThanRunComfysAlone() {
		CallNotPermittedException breakerOpen = CallNotPermittedException
			.createCallNotPermittedException(CircuitBreaker.ofDefaults("test"));
		for (Throwable other : new Throwable[] { new IOException("disk"), new TimeoutException(),
				new IllegalStateException("bug"), breakerOpen }) {
			assertThat(this.unhealthy.test(other)).as("unhealthy: %s", other).isFalse();
			assertThat(this.retryableRead.test(other)).as("read retried: %s", other).isFalse();
			assertThat(this.retryableSubmit.test(other)).as("submit resent: %s", other).isFalse();
		}
	}

}
