package io.genjobs.gateway.team;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed authentications from one client address are throttled: after
 * {@code gateway.teams.auth-failures-per-minute} of them, credentials from that address
 * get {@code 429 authentication-throttled} with {@code Retry-After}, unchecked, valid
 * ones included. Every test here talks from 127.0.0.1, so the class has one test.
 */
// The same properties as HttpServerTimeoutsTests, so the two share one application.
@IntegrationTest
@TestPropertySource(properties = { "gateway.teams.auth-failures-per-minute=3", "gateway.http.read-timeout=1s",
		"server.netty.idle-timeout=1s", "spring.datasource.hikari.maximum-pool-size=2" })
class AuthenticationThrottleTests {

	private static final String THROTTLED = "https://runcomfy-gateway.genjobs.io/problems/authentication-throttled";

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@Test
	void failedAuthenticationsFromOneAddressAreThrottled() {
		TeamView team = UniqueTeams.create(this.administration, "throttled", null);
		String key = this.administration.issueKey(team.id()).key();
		// Requests without credentials guess nothing: not counted.
		for (int i = 0; i < 5; i++) {
			this.client.get().uri("/jobs").exchange().expectStatus().isUnauthorized();
		}
		this.client.get().uri("/jobs").headers(bearer(key)).exchange().expectStatus().isOk();

		// A wrong admin token and unknown keys count alike.
		this.client.get()
			.uri("/admin/teams")
			.headers(bearer("wrong-admin-token"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		for (String wrong : new String[] { "rcg_" + "A".repeat(43), "not-a-key" }) {
			this.client.get().uri("/jobs").headers(bearer(wrong)).exchange().expectStatus().isUnauthorized();
		}

		for (String credential : new String[] { "rcg_" + "B".repeat(43), key, "test-admin-token" }) {
			WebTestClient.ResponseSpec response = this.client.get()
				.uri(credential.startsWith("test-") ? "/admin/teams" : "/jobs")
				.headers(bearer(credential))
				.exchange();
			response.expectStatus()
				.isEqualTo(429)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.value(HttpHeaders.RETRY_AFTER, (seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L))
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(THROTTLED);
		}
		// Credential-free routes still answer.
		this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
	}

}
