package io.genjobs.gateway.webhook;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.genjobs.gateway.common.Ids;
import io.genjobs.gateway.common.TraceContexts;
import io.genjobs.gateway.spend.BudgetThresholdReached;
import io.genjobs.gateway.webhook.EndpointQueries.EndpointTarget;

/**
 * The outbox of budget events: when a team's booked spend first reaches a threshold of
 * its budget in a month ({@link BudgetThresholdReached}, published by the spend feature
 * in the booking's transaction), writes in that same transaction one
 * {@code budget.threshold_reached} event and one pending delivery per enabled team
 * endpoint subscribed to it. Team endpoints only: a job's own {@code webhook_url} never
 * gets it. The event has no job ({@code job_id} null), so it is signed with the
 * endpoint's secret and sent, retried, logged and pruned like every other delivery by the
 * {@link DeliveryWorker}, after commit.
 */
@Component
class BudgetAlertOutbox {

	private final DeliveryQueue queue;

	private final TraceContexts traces;

	private final EndpointQueries endpoints;

	private final JsonMapper jsonMapper;

	private final WebhookSettings settings;

	private final DeliveryWorker worker;

	private final Clock clock;

	BudgetAlertOutbox(DeliveryQueue queue, EndpointQueries endpoints, JsonMapper jsonMapper, WebhookSettings settings,
			DeliveryWorker worker, Clock clock, TraceContexts traces) {
		this.traces = traces;
		this.queue = queue;
		this.endpoints = endpoints;
		this.jsonMapper = jsonMapper;
		this.settings = settings;
		this.worker = worker;
		this.clock = clock;
	}

	/**
	 * What a consumer receives: {@code {"type": "budget.threshold_reached", "timestamp",
	 * "data": {...}}}.
	 */
	record BudgetEventPayload(String type, Instant timestamp, Data data) {

		/**
		 * The team, the share of its budget reached, the budget and the month's booked
		 * spend at that moment, and the month ({@code period_end} exclusive).
		 */
		record Data(UUID teamId, BigDecimal threshold, BigDecimal budgetUsd, BigDecimal spentUsd, Instant periodStart,
				Instant periodEnd) {
		}

	}

	@EventListener
	void on(BudgetThresholdReached reached) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			// Without the booking's transaction the event could commit without the
			// threshold's record, or the record without its event.
			throw new IllegalStateException("Budget thresholds must be recorded in a transaction");
		}
		String type = BudgetThresholdReached.EVENT_TYPE;
		List<EndpointTarget> targets = this.endpoints.subscribed(reached.teamId(), type);
		if (targets.isEmpty()) {
			return;
		}
		String eventId = WebhookSigner.newMessageId();
		BudgetEventPayload payload = new BudgetEventPayload(type, reached.at(),
				new BudgetEventPayload.Data(reached.teamId(), reached.threshold(), reached.budgetUsd(),
						reached.spentUsd(), reached.periodStart(), reached.periodEnd()));
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		this.queue.insertEvent(eventId, reached.teamId(), null, type, null, this.jsonMapper.writeValueAsBytes(payload),
				now, this.traces.current());
		int attemptsAllowed = this.settings.retrySchedule().attempts();
		for (EndpointTarget target : targets) {
			this.queue.insertDelivery(Ids.next(), eventId, reached.teamId(), null, type, target.id(), target.url(),
					WebhookOutbox.hostOf(target.url()), attemptsAllowed, now);
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				BudgetAlertOutbox.this.worker.wake();
			}
		});
	}

}
