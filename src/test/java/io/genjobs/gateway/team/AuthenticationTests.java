package io.genjobs.gateway.team;

import java.util.function.Consumer;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
@Import(WhoAmIConfiguration.class)
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=5")
class AuthenticationTests {

	private static final String UNAUTHENTICATED = "https://runcomfy-gateway.genjobs.io/problems/unauthenticated";

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@LocalManagementPort
	int managementPort;

	@Test
	void controllersReceiveTheTeamOfTheKey() {
		TeamView team = this.administration.create(UniqueTeams.uniqueName("whoami"), 7, 70);
		String key = this.administration.issueKey(team.id()).key();

		this.client.get()
			.uri("/test/whoami")
			.headers(bearer(key))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(team.id().toString())
			.jsonPath("$.name")
			.isEqualTo(team.name())
			.jsonPath("$.rate_limit_per_second")
			.isEqualTo(7)
			.jsonPath("$.max_queued_jobs")
			.isEqualTo(70);
	}

	@Test
	void shouldRejectRequestWithoutAuthorizationHeader() {
		expectUnauthenticated(this.client.get().uri("/test/whoami").exchange());
	}

	@ParameterizedTest
	@ValueSource(strings = { "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer    ", "Token rcg_abc", "Bearer rcg_a b",
			"rcg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
	void shouldRejectMalformedAuthorizationHeader(String header) {
		expectUnauthenticated(
				this.client.get().uri("/test/whoami").header(HttpHeaders.AUTHORIZATION, header).exchange());
	}

	@ParameterizedTest
	@ValueSource(strings = { "rcg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not-a-gateway-key", "rcg_short",
			"test-admin-token" })
	void shouldRejectUnknownKey(String key) {
		expectUnauthenticated(this.client.get().uri("/test/whoami").headers(bearer(key)).exchange());
	}

	@Test
	void shouldRejectKeyFromTheVeryNextRequestAfterItsRevocation() {
		TeamView team = UniqueTeams.create(this.administration, "revoked", null);
		IssuedKey key = this.administration.issueKey(team.id());
		this.client.get().uri("/test/whoami").headers(bearer(key.key())).exchange().expectStatus().isOk();

		this.client.delete()
			.uri("/admin/keys/{id}", key.id())
			.headers(bearer("test-admin-token"))
			.exchange()
			.expectStatus()
			.isNoContent();

		expectUnauthenticated(this.client.get().uri("/test/whoami").headers(bearer(key.key())).exchange());
	}

	@Test
	void shouldKeepOtherKeysOfTheTeamWorkingAfterARevocation() {
		TeamView team = UniqueTeams.create(this.administration, "two-keys", null);
		IssuedKey revoked = this.administration.issueKey(team.id());
		IssuedKey kept = this.administration.issueKey(team.id());

		this.administration.revokeKey(revoked.id());

		expectUnauthenticated(this.client.get().uri("/test/whoami").headers(bearer(revoked.key())).exchange());
		this.client.get().uri("/test/whoami").headers(bearer(kept.key())).exchange().expectStatus().isOk();
	}

	@Test
	void shouldAnswerUnknownRoutesWith404WhateverTheCredentials() {
		TeamView team = UniqueTeams.create(this.administration, "unknown-route", null);
		String key = this.administration.issueKey(team.id()).key();

		this.client.get().uri("/no-such-route").exchange().expectStatus().isNotFound();
		this.client.get().uri("/no-such-route").headers(bearer(key)).exchange().expectStatus().isNotFound();
	}

	@Test
	void shouldLeaveApiDocumentationPathsOpen() {
		// No documentation is served in this branch: what matters is that no key is asked
		// for.
		this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isNotEqualTo(401));
		this.client.get()
			.uri("/swagger-ui/index.html")
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isNotEqualTo(401));
	}

	@Test
	void shouldNotAskForKeysOnTheManagementPort() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build();

		management.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isNotEqualTo(401));
	}

	static Consumer<HttpHeaders> bearer(String token) {
		return (headers) -> headers.setBearerAuth(token);
	}

	static void expectUnauthenticated(WebTestClient.ResponseSpec response) {
		response.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(UNAUTHENTICATED)
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.detail")
			.isEqualTo("A valid API key is required: send 'Authorization: Bearer <api key>'.");
	}

}
