package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * A usage report: what the ledger booked in a period, in rows grouped as asked.
 *
 * @param from the first instant counted
 * @param to the first instant no longer counted
 * @param groupBy the groupings, as {@code group_by} named them
 * @param data the rows, ordered by day, team and model (those grouped by)
 */
@Schema(description = "Booked spend in [from, to), in rows grouped by `group_by`")
record UsageReport(Instant from, Instant to, List<String> groupBy, List<Row> data) {

	/**
	 * One row: the grouped members (only those grouped by), the number of jobs booked and
	 * what they cost.
	 *
	 * @param model the model, when grouped by model
	 * @param day the UTC day, when grouped by day
	 * @param teamId the team, when grouped by team
	 * @param jobs how many jobs were booked
	 * @param spentUsd what they cost, in USD
	 */
	@Schema(name = "UsageRow")
	record Row(
			@JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "When grouped by model",
					requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String model,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "UTC day, when grouped by day",
					requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable LocalDate day,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "When grouped by team (admin only)",
					requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable UUID teamId,
			@Schema(description = "Jobs booked") long jobs,
			@Schema(description = "What they cost, USD") BigDecimal spentUsd) {

	}

}
