package io.genjobs.gateway.team;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * A change of a team's {@code monthly_budget_usd}.
 *
 * @param usd the most the team's jobs may cost per calendar month (UTC), in USD;
 * {@code null} for no limit
 */
public record MonthlyBudget(@Nullable BigDecimal usd) {

	/** The largest budget accepted, in USD. */
	static final BigDecimal MAX = new BigDecimal("1000000000");

	/** No limit. */
	public static MonthlyBudget none() {
		return new MonthlyBudget(null);
	}

	public static MonthlyBudget of(String usd) {
		return new MonthlyBudget(new BigDecimal(usd));
	}

}
