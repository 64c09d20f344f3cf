package io.genjobs.gateway.team;

import java.util.Map;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;

@IntegrationTest
@TestPropertySource(properties = { "gateway.admin-token=", "spring.datasource.hikari.maximum-pool-size=2" })
@DirtiesContext
class AdminApiDisabledTests {

	@Autowired
	WebTestClient client;

	@Test
	void shouldAnswer403WhenNoAdminTokenIsConfigured() {
		for (String token : new String[] { "test-admin-token", "", " " }) {
			this.client.post()
				.uri("/admin/teams")
				.headers(bearer(token))
				.bodyValue(Map.of("name", UniqueTeams.uniqueName("disabled")))
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/admin-api-disabled");
		}
		this.client.get().uri("/admin/teams").exchange().expectStatus().isForbidden();
	}

}
