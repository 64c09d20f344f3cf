package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * A team's budget this month (UTC) and where it stands: {@code GET /usage/budget}.
 *
 * @param budgetUsd the monthly budget; {@code null} for no limit
 * @param spentUsd what the ledger booked this month
 * @param reservedUsd the estimates the team's unfinished jobs reserve
 * @param remainingUsd budget − spent − reserved (negative when costs came in above their
 * estimates); {@code null} without a budget
 * @param periodStart the month's first instant
 * @param periodEnd the next month's first instant
 */
@Schema(description = "The team's monthly budget (calendar month, UTC) and where it stands")
record BudgetStatus(@Schema(description = "null: no limit") @Nullable BigDecimal budgetUsd, BigDecimal spentUsd,
		@Schema(description = "Estimates reserved by unfinished jobs") BigDecimal reservedUsd,
		@Schema(description = "budget − spent − reserved; null without a budget") @Nullable BigDecimal remainingUsd,
		Instant periodStart, @Schema(description = "Exclusive: the next month's first instant") Instant periodEnd) {

}
