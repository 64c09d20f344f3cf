package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A team's booked spend of a calendar month (UTC) reached a share of its monthly budget
 * for the first time that month. Published once per team, threshold and month, inside the
 * transaction of the booking that reached it, so that what it causes (the webhook event)
 * commits or rolls back with the booking.
 *
 * @param teamId the team
 * @param threshold the share of the budget reached: {@code 0.8} or {@code 1.0}
 * @param budgetUsd the team's monthly budget when it was reached
 * @param spentUsd the month's booked spend, this booking included
 * @param periodStart the start of the month (UTC), inclusive
 * @param periodEnd the start of the next month (UTC), exclusive
 * @param at when the booking was made
 */
public record BudgetThresholdReached(UUID teamId, BigDecimal threshold, BigDecimal budgetUsd, BigDecimal spentUsd,
		Instant periodStart, Instant periodEnd, Instant at) {

	/** The wire name of the webhook event it makes. */
	public static final String EVENT_TYPE = "budget.threshold_reached";

}
