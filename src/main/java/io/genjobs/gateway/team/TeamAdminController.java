package io.genjobs.gateway.team;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamRequestReader.TeamFields;

/**
 * The admin API: teams and their keys. {@link AuthenticationFilter} has checked the admin
 * token before a request gets here. The methods block (JPA); Spring runs them on virtual
 * threads.
 */
@RestController
@RequestMapping("/admin")
@Tag(name = "admin")
@SecurityRequirement(name = SecuritySchemes.ADMIN_TOKEN)
@ApiResponse(responseCode = "403", description = "A team key used on /admin/** (`admin-access-denied`), "
		+ "or the admin API is off (`admin-api-disabled`)")
class TeamAdminController {

	private static final String NO_TEAM = "No such team (`team-not-found`)";

	private static final String MONTHLY_BUDGET = "The most the team's jobs may cost per calendar month (UTC), in USD: "
			+ "a job is accepted only if its estimate fits beside the month's spend and the unfinished jobs' "
			+ "reservations (else 402 `budget-exceeded`); absent or null for no limit";

	private static final String ALLOWED_MODELS = "Model ids or `*` globs (`*` matches any characters, `/` included) "
			+ "the team may use, within gateway.catalog.enabled-models; absent or null: every enabled model. "
			+ "Others answer 404 on GET /models/{id} and 422 on POST /jobs";

	private final TeamAdministration administration;

	TeamAdminController(TeamAdministration administration) {
		this.administration = administration;
	}

	@Operation(operationId = "createTeam", summary = "Create a team")
	@ApiResponse(responseCode = "201", description = "The team")
	@ApiResponse(responseCode = "409", description = "Name taken (`duplicate-team-name`)")
	@ApiResponse(responseCode = "422", description = "Validation failed")
	@PostMapping("/teams")
	ResponseEntity<TeamView> create(@RequestBody @Schema(implementation = NewTeam.class) JsonNode body) {
		TeamFields fields = TeamRequestReader.readNewTeam(body);
		TeamView team = this.administration.create(fields.name(), fields.rateLimitPerSecond(), fields.maxQueuedJobs(),
				fields.disabled(), fields.allowedModels(), fields.monthlyBudget());
		if (fields.outputRetention() != null) {
			team = this.administration.update(team.id(), null, null, null, null, null, null, fields.outputRetention());
		}
		return ResponseEntity.created(URI.create("/admin/teams/" + team.id())).body(team);
	}

	@Operation(operationId = "listTeams", summary = "List teams")
	@ApiResponse(responseCode = "200", description = "The teams")
	@GetMapping("/teams")
	Listing<TeamView> list() {
		return new Listing<>(this.administration.list());
	}

	@Operation(operationId = "getTeam", summary = "Get a team")
	@ApiResponse(responseCode = "200", description = "The team")
	@ApiResponse(responseCode = "404", description = NO_TEAM)
	@GetMapping("/teams/{id}")
	TeamView get(@PathVariable String id) {
		return this.administration.get(teamId(id));
	}

	@Operation(operationId = "updateTeam",
			summary = "Change a team's name, limits or allowed models, or disable or enable it")
	@ApiResponse(responseCode = "200", description = "The team")
	@ApiResponse(responseCode = "404", description = NO_TEAM)
	@ApiResponse(responseCode = "409", description = "Name taken")
	@ApiResponse(responseCode = "422", description = "Validation failed")
	@PatchMapping("/teams/{id}")
	TeamView update(@PathVariable String id, @RequestBody @Schema(implementation = TeamChanges.class) JsonNode body) {
		UUID teamId = teamId(id);
		TeamFields fields = TeamRequestReader.readChanges(body);
		return this.administration.update(teamId, fields.name(), fields.rateLimitPerSecond(), fields.maxQueuedJobs(),
				fields.disabled(), fields.allowedModels(), fields.monthlyBudget(), fields.outputRetention());
	}

	@Operation(operationId = "issueKey", summary = "Issue an API key (shown this once)")
	@ApiResponse(responseCode = "201", description = "The key: `key` is never shown again")
	@ApiResponse(responseCode = "404", description = NO_TEAM)
	@PostMapping("/teams/{id}/keys")
	@ResponseStatus(HttpStatus.CREATED)
	IssuedKey issueKey(@PathVariable String id) {
		return this.administration.issueKey(teamId(id));
	}

	@Operation(operationId = "listKeys", summary = "List a team's keys (prefixes only)")
	@ApiResponse(responseCode = "200", description = "The keys")
	@ApiResponse(responseCode = "404", description = NO_TEAM)
	@GetMapping("/teams/{id}/keys")
	Listing<ApiKeyView> keys(@PathVariable String id) {
		return new Listing<>(this.administration.keys(teamId(id)));
	}

	@Operation(operationId = "revokeKey", summary = "Revoke a key, effective at once")
	@ApiResponse(responseCode = "204", description = "Revoked")
	@ApiResponse(responseCode = "404", description = "No such key (`api-key-not-found`)")
	@DeleteMapping("/keys/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void revokeKey(@PathVariable String id) {
		this.administration.revokeKey(RequestParameters.id(id, ApiKeyNotFoundException::forId));
	}

	// An id that is not even a UUID names no resource: 404 like any other unknown id,
	// rather than a 400 about its syntax.
	private static UUID teamId(String id) {
		return RequestParameters.id(id, TeamNotFoundException::forId);
	}

	/** A list answer, shaped like the paginated ones of the public API. */
	record Listing<T>(List<T> data) {
	}

	/**
	 * The body of {@code POST /admin/teams} as the API documents it; the controller reads
	 * a JSON tree ({@link TeamRequestReader}) to name every bad field at once.
	 */
	@Schema(additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
	record NewTeam(
			@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1,
					maxLength = TeamConstraints.MAX_NAME_LENGTH) String name,
			@Schema(minimum = "1", description = "POST /jobs requests per second") Integer rateLimitPerSecond,
			@Schema(minimum = "1", description = "Most jobs queued at once") Integer maxQueuedJobs,
			@Schema(description = "Create the team disabled: its keys are refused") Boolean disabled,
			@Schema(description = ALLOWED_MODELS) List<String> allowedModels,
			@Schema(minimum = "0", description = MONTHLY_BUDGET) BigDecimal monthlyBudgetUsd,
			@Schema(minimum = "1", maximum = "3650",
					description = "How many days the team's output files are kept (default gateway.storage.retention)") Integer outputRetentionDays) {
	}

	/** The body of {@code PATCH /admin/teams/{id}}: only the members to change. */
	@Schema(description = "Only the members to change", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
	record TeamChanges(@Schema(minLength = 1, maxLength = TeamConstraints.MAX_NAME_LENGTH) String name,
			@Schema(minimum = "1", description = "POST /jobs requests per second") Integer rateLimitPerSecond,
			@Schema(minimum = "1", description = "Most jobs queued at once") Integer maxQueuedJobs,
			@Schema(description = "true disables the team (its keys get 403 `team-disabled`, its queued jobs wait); "
					+ "false enables it again") Boolean disabled,
			@Schema(description = ALLOWED_MODELS
					+ "; null allows every enabled model again") List<String> allowedModels,
			@Schema(minimum = "0", description = MONTHLY_BUDGET + "; null removes it") BigDecimal monthlyBudgetUsd,
			@Schema(minimum = "1", maximum = "3650",
					description = "How many days the team's output files are kept; null: gateway.storage.retention") Integer outputRetentionDays) {
	}

}
