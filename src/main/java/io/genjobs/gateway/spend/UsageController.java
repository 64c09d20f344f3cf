package io.genjobs.gateway.spend;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code /usage}: a team's own spend, from the ledger, and its budget this month (DESIGN,
 * "Spend and budgets", "Reports"). The methods block (JDBC); Spring runs them on virtual
 * threads.
 */
@RestController
@Tag(name = "usage")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class UsageController {

	private static final Set<UsageGroup> GROUPINGS = EnumSet.of(UsageGroup.MODEL, UsageGroup.DAY);

	private final UsageReports reports;

	private final Clock clock;

	UsageController(UsageReports reports, Clock clock) {
		this.reports = reports;
		this.clock = clock;
	}

	@Operation(operationId = "getUsage", summary = "The team's booked spend in a period, grouped by model and/or day")
	@ApiResponse(responseCode = "200", description = UsageApi.REPORT,
			content = {
					@Content(mediaType = UsageFormat.JSON_VALUE, schema = @Schema(implementation = UsageReport.class)),
					@Content(mediaType = UsageFormat.CSV_VALUE, schema = @Schema(type = "string"),
							examples = @ExampleObject(value = UsageApi.CSV_EXAMPLE)) })
	@ApiResponse(responseCode = "400", description = UsageApi.BAD_REQUEST)
	@ApiResponse(responseCode = "406", description = UsageApi.NOT_ACCEPTABLE)
	@GetMapping(path = "/usage", produces = { UsageFormat.JSON_VALUE, UsageFormat.CSV_VALUE })
	ResponseEntity<Object> usage(TeamPrincipal team,
			@Parameter(description = UsageApi.FROM) @RequestParam(required = false) String from,
			@Parameter(description = UsageApi.TO) @RequestParam(required = false) String to,
			@Parameter(description = "`model`, `day` or `model,day`; absent: one row of totals") @RequestParam(
					name = "group_by", required = false) String groupBy,
			ServerHttpRequest request) {
		UsagePeriod period = UsagePeriod.of(from, to, this.clock);
		Set<UsageGroup> groups = UsageGroup.parse(groupBy, GROUPINGS);
		return UsageFormat.answer(this.reports.report(team.id(), period, groups), groups, request);
	}

	@Operation(operationId = "getBudget", summary = "The team's monthly budget and what is spent and reserved of it",
			description = "The current calendar month in UTC: `spent_usd` is what the ledger booked, `reserved_usd` "
					+ "what unfinished jobs' estimates hold, `remaining_usd` = budget − spent − reserved "
					+ "(negative when costs came in above their estimates). No budget: `budget_usd` and "
					+ "`remaining_usd` are null.")
	@ApiResponse(responseCode = "200", description = "The budget and the month's figures")
	@GetMapping("/usage/budget")
	BudgetStatus budget(TeamPrincipal team) {
		return this.reports.budget(team.id());
	}

}
