package io.genjobs.gateway.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.TraceContexts;
import io.genjobs.gateway.webhook.DeliveryQueue.Claim;

/**
 * Carries out one claimed delivery: a short transaction to read the payload and the
 * secrets, the HTTP attempt outside any transaction, and a short transaction to record
 * the outcome (delivered, failed for good, or due again on the retry schedule).
 */
@Component
class DeliveryAttempts {

	private static final Log logger = LogFactory.getLog(DeliveryAttempts.class);

	/**
	 * The longest {@code Retry-After} honoured: a consumer asking for more (days, years)
	 * is retried after this instead, like one at the end of the default schedule.
	 */
	static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

	private final DeliveryQueue queue;

	private final TraceContexts traces;

	private final EndpointQueries endpoints;

	private final TeamSecrets teamSecrets;

	private final WebhookSender sender;

	private final TransactionTemplate transaction;

	private final WebhookSettings settings;

	private final Clock clock;

	private final MeterRegistry meters;

	DeliveryAttempts(DeliveryQueue queue, EndpointQueries endpoints, TeamSecrets teamSecrets, WebhookSender sender,
			TransactionTemplate transaction, WebhookSettings settings, Clock clock, MeterRegistry meters,
			TraceContexts traces) {
		this.traces = traces;
		this.queue = queue;
		this.endpoints = endpoints;
		this.teamSecrets = teamSecrets;
		this.sender = sender;
		this.transaction = transaction;
		this.settings = settings;
		this.clock = clock;
		this.meters = meters;
	}

	/**
	 * Makes the claimed attempt and records what came of it, as a span of the trace the
	 * event happened in.
	 */
	void attempt(Claim claim) {
		try (TraceContexts.SpanScope span = this.traces.open("webhook delivery",
				this.queue.traceParent(claim.eventId()))) {
			attemptInSpan(claim);
		}
	}

	private void attemptInSpan(Claim claim) {
		Signing signing = this.transaction.execute((status) -> prepare(claim));
		if (signing == null) {
			count("not_sent");
			return;
		}
		Instant at = now();
		long timestamp = at.getEpochSecond();
		String signature = WebhookSigner.signatureHeader(signing.secrets(), claim.eventId(), timestamp,
				signing.payload());
		WebhookSender.Result result = this.sender.send(claim.url(), claim.eventId(), timestamp, signature,
				signing.payload(), at);
		if (Thread.currentThread().isInterrupted()) {
			// The gateway is stopping and this attempt outlasted the wait for it: the
			// worker hands the claim back, unrecorded, for any instance to make again.
			return;
		}
		String outcome = this.transaction.execute((status) -> record(claim, at, result));
		count(outcome);
	}

	private Signing prepare(Claim claim) {
		Instant now = now();
		List<String> secrets;
		if (claim.endpointId() != null) {
			Optional<String> secret = this.endpoints.enabledSecret(claim.endpointId());
			if (secret.isEmpty()) {
				// Disabled or deleted since the event: its deliveries stop.
				this.queue.finish(claim.deliveryId(), claim.token(), DeliveryMove.DROP, now);
				return null;
			}
			secrets = List.of(secret.get());
		}
		else {
			secrets = this.teamSecrets.get(claim.teamId(), now).signing(now);
		}
		return new Signing(this.queue.payload(claim.eventId()), secrets);
	}

	private String record(Claim claim, Instant at, WebhookSender.Result result) {
		Instant now = now();
		this.queue.insertAttempt(claim.deliveryId(), claim.attempt(), at, result.statusCode(), result.error());
		boolean toEndpoint = claim.endpointId() != null;
		DeliveryMove move = DeliveryMove.afterAttempt(result, toEndpoint, claim.isLastAttempt(),
				() -> this.endpoints.enabled(claim.endpointId()));
		boolean held = switch (move) {
			case RESCHEDULE ->
				this.queue.reschedule(claim.deliveryId(), claim.token(), now.plus(nextDelay(claim, result)));
			default -> this.queue.finish(claim.deliveryId(), claim.token(), move, now);
		};
		if (move == DeliveryMove.DISABLE) {
			this.endpoints.disable(claim.endpointId(), now);
			this.queue.dropPendingOf(claim.endpointId(), now);
			logger.info("Webhook endpoint " + claim.endpointId() + " answered 410 Gone and is disabled");
		}
		if (held) {
			finished(claim, move, now);
		}
		else {
			// The lease ran out mid-attempt and another worker has the delivery now; its
			// own outcome is the one that counts.
			logger.warn("Webhook delivery " + claim.deliveryId() + " attempt " + claim.attempt()
					+ " ended after its lease; its outcome was not recorded over the newer claim");
		}
		return outcome(move);
	}

	/** An attempt's outcome, as the metrics name it. */
	private static String outcome(DeliveryMove move) {
		return switch (move) {
			case DELIVER -> "delivered";
			case DISABLE -> "gone";
			case RESCHEDULE -> "retry";
			default -> "failed";
		};
	}

	/**
	 * The schedule's wait (jittered), or the consumer's {@code Retry-After} when that is
	 * later, up to {@link #MAX_RETRY_AFTER}.
	 */
	private Duration nextDelay(Claim claim, WebhookSender.Result result) {
		RetrySchedule schedule = this.settings.retrySchedule();
		Duration delay = schedule.delayAfter(claim.attempt(), this.settings.jitter(), ThreadLocalRandom.current());
		Duration asked = result.retryAfter();
		if (asked != null) {
			Duration capped = (asked.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : asked;
			if (capped.compareTo(delay) > 0) {
				delay = capped;
			}
		}
		return delay;
	}

	/**
	 * Deliveries that ended ({@code gateway_webhook_deliveries_total} by outcome) and,
	 * for the delivered ones, the lag from the state change to the consumer's 2xx
	 * ({@code gateway_webhook_delivery_lag_seconds}).
	 */
	private void finished(Claim claim, DeliveryMove move, Instant now) {
		if (!move.to().isFinished()) {
			return;
		}
		this.meters.counter("gateway.webhook.deliveries", "outcome", outcome(move)).increment();
		if (move == DeliveryMove.DELIVER) {
			Duration lag = Duration.between(this.queue.eventCreatedAt(claim.eventId()), now);
			Timer.builder("gateway.webhook.delivery.lag")
				.description("Time from a job's state change to its webhook delivered")
				.publishPercentileHistogram()
				.register(this.meters)
				.record(lag.isNegative() ? Duration.ZERO : lag);
		}
	}

	private void count(String outcome) {
		this.meters.counter("gateway.webhooks.attempts", "outcome", outcome).increment();
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** What signing an attempt needs: the stored bytes and the secrets that sign now. */
	private record Signing(byte[] payload, List<String> secrets) {

		@Override
		public String toString() {
			return "Signing[" + this.payload.length + " bytes, " + this.secrets.size() + " secrets]";
		}

	}

}
