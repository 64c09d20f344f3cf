package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * RunComfy calls as the dispatcher, the poller and client cancels make them: each attempt
 * first waits for the global throttle, then runs inside the {@code runcomfy} circuit
 * breaker, and is retried by the {@code runcomfy-read} or {@code runcomfy-submit} retry
 * (exponential back-off with jitter, configured in {@code application.yaml}). A 429
 * pauses every instance for its {@code Retry-After} (at most {@link #MAX_RETRY_AFTER})
 * before the retry. The wait for the throttle is outside the breaker: a call waiting for
 * a pause holds none of its half-open permits and counts neither way. Blocking: call from
 * virtual threads; the waits are sleeps there.
 */
@Component
class ResilientRunComfy {

	private static final Log logger = LogFactory.getLog(ResilientRunComfy.class);

	/** A 429 without {@code Retry-After} still pauses calls this long. */
	static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

	/**
	 * The longest pause a 429 imposes: a longer {@code Retry-After} (a mistake, or an
	 * outage announced by the hour) is cut to this and counted.
	 */
	static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

	/** How long a client's cancel waits for a token of the global rate limit. */
	static final Duration CLIENT_TOKEN_WAIT = Duration.ofSeconds(5);

	/** Upper bound on any one call, over the client's own time-outs. */
	private static final Duration CALL_LIMIT = Duration.ofMinutes(2);

	private static final Runnable NOTHING = () -> {
	};

	private final RunComfyClient client;

	private final UpstreamThrottle throttle;

	private final CircuitBreaker breaker;

	private final Retry readRetry;

	private final Retry submitRetry;

	private final MeterRegistry meters;

	private final Counter cappedRetryAfters;

	ResilientRunComfy(RunComfyClient client, UpstreamThrottle throttle, CircuitBreakerRegistry breakers,
			RetryRegistry retries, MeterRegistry meters) {
		this.client = client;
		this.throttle = throttle;
		this.breaker = breakers.circuitBreaker("runcomfy");
		this.readRetry = retries.retry("runcomfy-read");
		this.submitRetry = retries.retry("runcomfy-submit");
		this.meters = meters;
		this.cappedRetryAfters = Counter.builder("gateway.upstream.retry.after.capped")
			.description("429 answers from RunComfy whose Retry-After exceeded 10 minutes and was cut to 10 minutes")
			.register(meters);
	}

	/** Whether the circuit breaker currently refuses calls (RunComfy is failing). */
	boolean unavailable() {
		CircuitBreaker.State state = this.breaker.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	/** Whether a 429 from RunComfy holds every instance's calls back now. */
	boolean paused() {
		return this.throttle.paused();
	}

	/**
	 * Submits a job. {@code waiting} hears while the submit waits for the throttle;
	 * {@code sending} runs right before each request leaves, after the throttle and the
	 * breaker let it through: until then the job has surely not reached RunComfy, and
	 * either may stop it by throwing.
	 */
	Submission submit(String model, JsonNode input, Waiting waiting, Runnable sending) throws InterruptedException {
		return call(this.submitRetry, UpstreamOperation.SUBMIT, waiting, sending,
				() -> this.client.submit(model, input));
	}

	RequestStatus status(String requestId, Waiting waiting) throws InterruptedException {
		return call(this.readRetry, UpstreamOperation.STATUS, waiting, NOTHING, () -> this.client.status(requestId));
	}

	RequestResult result(String requestId, Waiting waiting) throws InterruptedException {
		return call(this.readRetry, UpstreamOperation.RESULT, waiting, NOTHING, () -> this.client.result(requestId));
	}

	CancelOutcome cancel(String requestId, Waiting waiting) throws InterruptedException {
		return call(this.readRetry, UpstreamOperation.CANCEL, waiting, NOTHING, () -> this.client.cancel(requestId));
	}

	/**
	 * A client's cancel, answered while the client waits: it takes its token of the
	 * global rate limit like any call (waiting {@link #CLIENT_TOKEN_WAIT} at most), but
	 * does not sit out a 429 pause, and the breaker refuses it while open.
	 * @throws UpstreamBusyException when a pause is in force or no token came in time
	 */
	CancelOutcome cancelForClient(String requestId) throws InterruptedException {
		long deadline = System.nanoTime() + CLIENT_TOKEN_WAIT.toNanos();
		Waiting impatiently = new Waiting() {

			@Override
			public void stillWaiting() {
				if (System.nanoTime() - deadline > 0) {
					throw new UpstreamBusyException("the global RunComfy rate limit had no call free within "
							+ CLIENT_TOKEN_WAIT.toSeconds() + " s");
				}
			}

			@Override
			public void paused(Duration remaining) {
				throw new UpstreamBusyException(
						"RunComfy answered 429: every call waits another " + Math.max(1, remaining.toSeconds()) + " s");
			}

		};
		return cancel(requestId, impatiently);
	}

	private <T> T call(Retry retry, UpstreamOperation operation, Waiting waiting, Runnable sending,
			Supplier<Mono<T>> request) throws InterruptedException {
		Supplier<T> attempt = () -> {
			try {
				this.throttle.acquire(waiting);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InterruptedCall(ex);
			}
			this.breaker.acquirePermission();
			try {
				sending.run();
			}
			catch (RuntimeException ex) {
				this.breaker.releasePermission();
				throw ex;
			}
			long started = this.breaker.getCurrentTimestamp();
			try {
				T answer = timed(operation, request);
				this.breaker.onResult(this.breaker.getCurrentTimestamp() - started, this.breaker.getTimestampUnit(),
						answer);
				return answer;
			}
			catch (RuntimeException ex) {
				this.breaker.onError(this.breaker.getCurrentTimestamp() - started, this.breaker.getTimestampUnit(), ex);
				throw ex;
			}
		};
		try {
			return Retry.decorateSupplier(retry, attempt).get();
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
			outcome = ex.kind().name().toLowerCase(Locale.ROOT);
			if (ex.kind() == UpstreamException.Kind.RATE_LIMITED) {
				this.throttle.pauseFor(pauseAfter(ex));
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

	/** The pause a 429 asks for, cut to {@link #MAX_RETRY_AFTER}. */
	private Duration pauseAfter(UpstreamException ex) {
		Duration asked = (ex.retryAfter() != null) ? ex.retryAfter() : DEFAULT_RETRY_AFTER;
		if (asked.compareTo(MAX_RETRY_AFTER) <= 0) {
			return asked;
		}
		this.cappedRetryAfters.increment();
		logger.warn("RunComfy asked to wait " + asked.toSeconds() + " s (Retry-After) after a " + ex.operation().label()
				+ "; pausing " + MAX_RETRY_AFTER.toMinutes() + " min instead");
		return MAX_RETRY_AFTER;
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
