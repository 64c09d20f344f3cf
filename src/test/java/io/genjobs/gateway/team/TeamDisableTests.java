package io.genjobs.gateway.team;

import java.util.Map;
import java.util.UUID;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An admin disables a team with {@code "disabled": true} ({@code PATCH
 * /admin/teams/{id}}, or at creation): its keys get 403 {@code team-disabled} from the
 * next request on, and {@code "disabled": false} lets them in again.
 */
// The same context as AuthenticationTests, so the two share one application.
@IntegrationTest
@Import(WhoAmIConfiguration.class)
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=5")
class TeamDisableTests {

	private static final String ADMIN_TOKEN = "test-admin-token";

	private static final String TEAM_DISABLED = "https://runcomfy-gateway.genjobs.io/problems/team-disabled";

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@Test
	void aDisabledTeamsKeysGet403UntilItIsEnabledAgain() {
		TeamView team = UniqueTeams.create(this.administration, "disabled", null);
		String key = this.administration.issueKey(team.id()).key();
		whoAmI(key).expectStatus().isOk();

		patch(team.id(), Map.of("disabled", true)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.disabled")
			.isEqualTo(true)
			.jsonPath("$.disabled_at")
			.isNotEmpty();
		expectTeamDisabled(whoAmI(key));
		expectTeamDisabled(this.client.post()
			.uri("/jobs")
			.headers(bearer(key))
			.bodyValue(Map.of("input", Map.of("prompt", "a cat")))
			.exchange());
		expectTeamDisabled(this.client.get().uri("/jobs").headers(bearer(key)).exchange());
		assertThat(this.administration.get(team.id()).disabled()).isTrue();

		patch(team.id(), Map.of("disabled", false)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.disabled")
			.isEqualTo(false)
			.jsonPath("$.disabled_at")
			.isEmpty();
		whoAmI(key).expectStatus().isOk();
	}

	@Test
	void aTeamCanBeCreatedDisabled() {
		String id = this.client.post()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("name", UniqueTeams.uniqueName("born-disabled"), "disabled", true))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.toString();
		String key = this.administration.issueKey(UUID.fromString(id)).key();
		expectTeamDisabled(whoAmI(key));
	}

	@Test
	void disabledMustBeABoolean() {
		TeamView team = UniqueTeams.create(this.administration, "typed", null);
		for (Object value : new Object[] { "yes", 1, Map.of() }) {
			patch(team.id(), Map.of("disabled", value)).expectStatus()
				.isEqualTo(422)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("disabled");
		}
		this.client.patch()
			.uri("/admin/teams/" + team.id())
			.headers(bearer(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"disabled\": null}")
			.exchange()
			.expectStatus()
			.isEqualTo(422);
		assertThat(this.administration.get(team.id()).disabled()).isFalse();
	}

	private WebTestClient.ResponseSpec patch(UUID teamId, Map<String, Object> body) {
		return this.client.patch()
			.uri("/admin/teams/" + teamId)
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(body)
			.exchange();
	}

	private WebTestClient.ResponseSpec whoAmI(String key) {
		return this.client.get().uri("/test/whoami").headers(bearer(key)).exchange();
	}

	private static void expectTeamDisabled(WebTestClient.ResponseSpec response) {
		response.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(TEAM_DISABLED);
	}

}
