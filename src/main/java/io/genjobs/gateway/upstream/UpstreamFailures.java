package io.genjobs.gateway.upstream;

import java.util.function.Predicate;

/**
 * Which RunComfy failures count against the circuit breaker and which are worth a quick
 * retry. Named in {@code application.yaml} (Resilience4j instantiates them), hence
 * public.
 */
public final class UpstreamFailures {

	private UpstreamFailures() {
	}

	/**
	 * RunComfy looks unhealthy: 5xx, no connection, no answer, or nonsense. A 429 (it is
	 * alive and says when to come back), a 4xx refusal (our request, not its health) and
	 * a refusal for insufficient balance (the account, not its health: the payment pause
	 * handles it) do not count.
	 */
	public static final class Unhealthy implements Predicate<Throwable> {

		@Override
		public boolean test(Throwable ex) {
			return ex instanceof UpstreamException upstream && switch (upstream.kind()) {
				case SERVER_ERROR, NOT_SENT, OUTCOME_UNKNOWN, MALFORMED -> true;
				case RATE_LIMITED, REJECTED, PAYMENT_REQUIRED -> false;
			};
		}

	}

	/** A read (status, result, cancel) is safe to repeat after anything but a refusal. */
	public static final class RetryableRead implements Predicate<Throwable> {

		@Override
		public boolean test(Throwable ex) {
			return ex instanceof UpstreamException upstream && upstream.kind() != UpstreamException.Kind.REJECTED
					&& upstream.kind() != UpstreamException.Kind.PAYMENT_REQUIRED;
		}

	}

	/**
	 * A submit is repeated only when it surely did not start a job upstream (DESIGN:
	 * connection failure, 429, 5xx): RunComfy has no idempotency, so anything else could
	 * run the job twice.
	 */
	public static final class RetryableSubmit implements Predicate<Throwable> {

		@Override
		public boolean test(Throwable ex) {
			return ex instanceof UpstreamException upstream && upstream.kind().safeToResend();
		}

	}

}
