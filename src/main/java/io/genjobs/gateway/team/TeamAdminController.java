package io.genjobs.gateway.team;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.genjobs.gateway.team.TeamRequestReader.TeamFields;
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

/**
 * The admin API: teams and their keys. {@link AuthenticationFilter} has checked the admin
 * token before a request gets here. The methods block (JPA); Spring runs them on virtual
 * threads.
 */
@RestController
@RequestMapping("/admin")
class TeamAdminController {

	private final TeamAdministration administration;

	TeamAdminController(TeamAdministration administration) {
		this.administration = administration;
	}

	@PostMapping("/teams")
	ResponseEntity<TeamView> create(@RequestBody JsonNode body) {
		TeamFields fields = TeamRequestReader.readNewTeam(body);
		TeamView team = this.administration.create(fields.name(), fields.rateLimitPerSecond(), fields.maxQueuedJobs());
		return ResponseEntity.created(URI.create("/admin/teams/" + team.id())).body(team);
	}

	@GetMapping("/teams")
	Listing<TeamView> list() {
		return new Listing<>(this.administration.list());
	}

	@GetMapping("/teams/{id}")
	TeamView get(@PathVariable String id) {
		return this.administration.get(teamId(id));
	}

	@PatchMapping("/teams/{id}")
	TeamView update(@PathVariable String id, @RequestBody JsonNode body) {
		UUID teamId = teamId(id);
		TeamFields fields = TeamRequestReader.readChanges(body);
		return this.administration.update(teamId, fields.name(), fields.rateLimitPerSecond(), fields.maxQueuedJobs());
	}

	@PostMapping("/teams/{id}/keys")
	@ResponseStatus(HttpStatus.CREATED)
	IssuedKey issueKey(@PathVariable String id) {
		return this.administration.issueKey(teamId(id));
	}

	@GetMapping("/teams/{id}/keys")
	Listing<ApiKeyView> keys(@PathVariable String id) {
		return new Listing<>(this.administration.keys(teamId(id)));
	}

	@DeleteMapping("/keys/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void revokeKey(@PathVariable String id) {
		this.administration.revokeKey(parse(id).orElseThrow(() -> ApiKeyNotFoundException.forId(id)));
	}

	// An id that is not even a UUID names no resource: 404 like any other unknown id,
	// rather than a 400 about its syntax.
	private static UUID teamId(String id) {
		return parse(id).orElseThrow(() -> TeamNotFoundException.forId(id));
	}

	private static Optional<UUID> parse(String id) {
		try {
			return Optional.of(UUID.fromString(id));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	/** A list answer, shaped like the paginated ones of the public API. */
	record Listing<T>(List<T> data) {
	}

}
