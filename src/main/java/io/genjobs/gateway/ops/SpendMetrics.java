package io.genjobs.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import io.genjobs.gateway.spend.SpendBooked;

/**
 * {@code gateway_spend_usd_total{team,model}}: the USD this instance booked in the spend
 * ledger, counted after the booking committed (a rolled-back booking is never counted).
 * Each instance counts its own bookings, so the team's spend is the {@code sum} across
 * instances. A booking also brings the {@link BudgetGauges} up to date soon. A metric
 * that fails to record is logged and dropped: it must never fail the booking.
 */
@Component
class SpendMetrics {

	private static final Log logger = LogFactory.getLog(SpendMetrics.class);

	private final MeterRegistry registry;

	private final TeamNames teams;

	private final BudgetGauges gauges;

	SpendMetrics(MeterRegistry registry, TeamNames teams, BudgetGauges gauges) {
		this.registry = registry;
		this.teams = teams;
		this.gauges = gauges;
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void onBooked(SpendBooked booked) {
		try {
			Counter.builder("gateway.spend.usd")
				.description("USD booked in the spend ledger by this instance (sum across instances)")
				.tag("team", this.teams.nameOf(booked.teamId()))
				.tag("model", booked.model())
				.register(this.registry)
				.increment(booked.amountUsd().doubleValue());
			this.gauges.wake();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not count the spend booked for team " + booked.teamId(), ex);
		}
	}

}
