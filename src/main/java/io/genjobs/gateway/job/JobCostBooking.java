package io.genjobs.gateway.job;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.spend.SpendLedger;

/**
 * Hands every job that ends to the spend ledger, inside the transaction of its terminal
 * transition: its budget reservation is released and its cost booked together with the
 * state change.
 */
@Component
class JobCostBooking {

	private final SpendLedger ledger;

	JobCostBooking(SpendLedger ledger) {
		this.ledger = ledger;
	}

	@EventListener
	void on(JobSettled settled) {
		this.ledger.settle(settled.jobId(), settled.teamId(), settled.model(), settled.costUsd(), settled.source(),
				settled.at());
	}

}
