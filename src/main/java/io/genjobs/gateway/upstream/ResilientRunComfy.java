package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * RunComfy calls as the dispatcher and poller make them: each attempt first waits for the
 * global throttle, runs inside the {@code runcomfy} circuit breaker, and is retried by
 * the {@code runcomfy-read} or {@code runcomfy-submit} retry (exponential back-off with
 * jitter, configured in {@code application.yaml}). A 429 pauses every instance for its
 * {@code Retry-After} before the retry. Blocking: call from virtual threads; the waits
 * are sleeps there.
 */
@Component
class ResilientRunComfy {

	/** A 429 without {@code Retry-After} still pauses calls this long. */
	static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

	/** Upper bound on any one call, over the client's own time-outs. */
	private static final Duration CALL_LIMIT = Duration.ofMinutes(2);

	private final RunComfyClient client;

	private final UpstreamThrottle throttle;

	private final CircuitBreaker breaker;

	private final Retry readRetry;

	private final Retry submitRetry;

	private final MeterRegistry meters;

	ResilientRunComfy(RunComfyClient client, UpstreamThrottle throttle, CircuitBreakerRegistry breakers,
			RetryRegistry retries, MeterRegistry meters) {
		this.client = client;
		this.throttle = throttle;
		this.breaker = breakers.circuitBreaker("runcomfy");
		this.readRetry = retries.retry("runcomfy-read");
		this.submitRetry = retries.retry("runcomfy-submit");
		this.meters = meters;
	}

	/** Whether the circuit breaker currently refuses calls (RunComfy is failing). */
	boolean unavailable() {
		CircuitBreaker.State state = this.breaker.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	/**
	 * Submits a job. {@code sending} runs right before the first request leaves, after
	 * the throttle let it through: until then the job has surely not reached RunComfy.
	 */
	Submission submit(String model, JsonNode input, Runnable sending) throws InterruptedException {
		return call(this.submitRetry, UpstreamOperation.SUBMIT, () -> {
			sending.run();
			return this.client.submit(model, input);
		});
	}

	RequestStatus status(String requestId) throws InterruptedException {
		return call(this.readRetry, UpstreamOperation.STATUS, () -> this.client.status(requestId));
	}

	RequestResult result(String requestId) throws InterruptedException {
		return call(this.readRetry, UpstreamOperation.RESULT, () -> this.client.result(requestId));
	}

	CancelOutcome cancel(String requestId) throws InterruptedException {
		return call(this.readRetry, UpstreamOperation.CANCEL, () -> this.client.cancel(requestId));
	}

	private <T> T call(Retry retry, UpstreamOperation operation, Supplier<Mono<T>> request)
			throws InterruptedException {
		Supplier<T> attempt = () -> {
			try {
				this.throttle.acquire();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InterruptedCall(ex);
			}
			return timed(operation, request);
		};
		try {
			return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(this.breaker, attempt)).get();
		}
		catch (InterruptedCall ex) {
			throw (InterruptedException) ex.getCause();
		}
	}

	private <T> T timed(UpstreamOperation operation, Supplier<Mono<T>> request) {
		long started = System.nanoTime();
		String outcome = "success";
		try {
			return request.get().block(CALL_LIMIT);
		}
		catch (UpstreamException ex) {
			outcome = ex.kind().name().toLowerCase(java.util.Locale.ROOT);
			if (ex.kind() == UpstreamException.Kind.RATE_LIMITED) {
				this.throttle.pauseFor((ex.retryAfter() != null) ? ex.retryAfter() : DEFAULT_RETRY_AFTER);
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			outcome = "error";
			throw ex;
		}
		finally {
			Timer.builder("gateway.upstream.calls")
				.description("Calls to RunComfy by operation and outcome")
				.tag("operation", operation.label())
				.tag("outcome", outcome)
				.publishPercentileHistogram()
				.register(this.meters)
				.record(Duration.ofNanos(System.nanoTime() - started));
		}
	}

	/**
	 * Carries an interrupt through Resilience4j's decorators, which take no checked
	 * exceptions.
	 */
	private static final class InterruptedCall extends RuntimeException {

		InterruptedCall(InterruptedException cause) {
			super(cause);
		}

	}

}
