package io.genjobs.gateway.spend;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

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

import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;

/**
 * {@code GET /admin/usage}: every team's spend, or one team's, from the ledger. The team
 * feature's authentication filter has checked the admin token before a request gets here
 * (it guards all of {@code /admin/**}).
 */
@RestController
@Tag(name = "admin")
@SecurityRequirement(name = SecuritySchemes.ADMIN_TOKEN)
@ApiResponse(responseCode = "403", description = "A team key used on /admin/** (`admin-access-denied`), "
		+ "or the admin API is off (`admin-api-disabled`)")
class UsageAdminController {

	private static final Set<UsageGroup> GROUPINGS = EnumSet.allOf(UsageGroup.class);

	private final UsageReports reports;

	private final Clock clock;

	UsageAdminController(UsageReports reports, Clock clock) {
		this.reports = reports;
		this.clock = clock;
	}

	@Operation(operationId = "getAdminUsage",
			summary = "Booked spend in a period, of every team or one, grouped by team, model and/or day")
	@ApiResponse(responseCode = "200", description = UsageApi.REPORT,
			content = {
					@Content(mediaType = UsageFormat.JSON_VALUE, schema = @Schema(implementation = UsageReport.class)),
					@Content(mediaType = UsageFormat.CSV_VALUE, schema = @Schema(type = "string"),
							examples = @ExampleObject(value = UsageApi.CSV_EXAMPLE)) })
	@ApiResponse(responseCode = "400", description = UsageApi.BAD_REQUEST + "; a `team_id` that is not a UUID")
	@ApiResponse(responseCode = "406", description = UsageApi.NOT_ACCEPTABLE)
	@GetMapping(path = "/admin/usage", produces = { UsageFormat.JSON_VALUE, UsageFormat.CSV_VALUE })
	ResponseEntity<Object> usage(
			@Parameter(description = "Only this team's spend (an id without bookings has none); "
					+ "absent: every team") @RequestParam(name = "team_id", required = false) String teamId,
			@Parameter(description = UsageApi.FROM) @RequestParam(required = false) String from,
			@Parameter(description = UsageApi.TO) @RequestParam(required = false) String to,
			@Parameter(
					description = "A comma-separated list of `team`, `model`, `day`; absent: one row of totals") @RequestParam(
							name = "group_by", required = false) String groupBy,
			ServerHttpRequest request) {
		UUID team = RequestParameters.uuid(teamId, "team_id", "a team id (a UUID)");
		UsagePeriod period = UsagePeriod.of(from, to, this.clock);
		Set<UsageGroup> groups = UsageGroup.parse(groupBy, GROUPINGS);
		return UsageFormat.answer(this.reports.report(team, period, groups), groups, request);
	}

}
