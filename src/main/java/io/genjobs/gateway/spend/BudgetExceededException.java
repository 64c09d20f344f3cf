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
						? "The job's estimated cost of " + estimate.toPlainString() + " USD does not fit the team's "
								+ "monthly budget of " + budget.toPlainString() + " USD (" + spent.toPlainString()
								+ " spent and " + reserved.toPlainString() + " reserved by unfinished jobs this month)."
						: "The model has no price (or no bound on its duration) to estimate the job's cost by, "
								+ "so a team with a monthly budget cannot use it.");
		extension("budget_usd", budget);
		extension("spent_usd", spent);
		extension("reserved_usd", reserved);
		extension("estimated_usd", estimate);
	}

}
