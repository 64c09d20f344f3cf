package io.genjobs.gateway.spend;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import io.genjobs.gateway.common.GatewayException;

/**
 * A job the team's monthly budget does not cover: {@code 402} {@code budget-exceeded}
 * with the figures the check used.
 */
class BudgetExceededException extends GatewayException {

	BudgetExceededException(BigDecimal budget, BigDecimal spent, BigDecimal reserved, @Nullable BigDecimal estimate) {
		super(Kind.PAYMENT_REQUIRED, "budget-exceeded", "Monthly budget exceeded",
				(estimate != null)
						? "The job's estimated cost of " + Usd.plain(estimate).toPlainString()
								+ " USD does not fit the team's monthly budget of " + Usd.plain(budget).toPlainString()
								+ " USD (" + Usd.plain(spent).toPlainString() + " spent and "
								+ Usd.plain(reserved).toPlainString() + " reserved by unfinished jobs this month)."
						: "The model has no price (or no bound on its duration) to estimate the job's cost by, "
								+ "so a team with a monthly budget cannot use it.");
		extension("budget_usd", Usd.plain(budget));
		extension("spent_usd", Usd.plain(spent));
		extension("reserved_usd", Usd.plain(reserved));
		extension("estimated_usd", Usd.plain(estimate));
	}

}
