package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.UUID;

/**
 * How much of its monthly budget a team has used: the month's booked spend (reservations
 * excluded) against the budget.
 *
 * @param teamId the team
 * @param budgetUsd its monthly budget
 * @param spentUsd its booked spend this calendar month (UTC)
 */
public record BudgetUse(UUID teamId, BigDecimal budgetUsd, BigDecimal spentUsd) {

	/**
	 * {@code spent / budget}; for a budget of 0, 0 while nothing is spent and positive
	 * infinity after.
	 */
	public double ratio() {
		if (this.budgetUsd.signum() == 0) {
			return (this.spentUsd.signum() > 0) ? Double.POSITIVE_INFINITY : 0;
		}
		return this.spentUsd.divide(this.budgetUsd, MathContext.DECIMAL64).doubleValue();
	}

}
