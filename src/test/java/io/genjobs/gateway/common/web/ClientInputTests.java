package io.genjobs.gateway.common.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

/**
 * Query parameters and cursors that reached the database as they were and answered 500:
 * every one is a 400 {@code invalid-parameter} on both keyset listings.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class ClientInputTests {

	private static final String INVALID_PARAMETER = "https://runcomfy-gateway.genjobs.io/problems/invalid-parameter";

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@LocalServerPort
	int port;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/jobs?model=%00", "/jobs?model=a%00b", "/jobs?status=queued&model=%00",
			"/webhooks/deliveries?status=%00", "/webhooks/deliveries?status=pending%00", "/jobs?x%00=1",
			"/jobs?model=x&%00", "/models?q=%00" })
	void aNulInAQueryParameterIsA400(String target) {
		expectInvalidParameter(target);
	}

	@ParameterizedTest
	@ValueSource(longs = { Long.MAX_VALUE, Long.MIN_VALUE, -1, 253_402_300_800_000_000L, -62_135_596_800_000_001L,
			9_000_000_000_000_000_000L })
	void aCursorWithATimeTheGatewayNeverIssuedIsA400(long micros) {
		String cursor = cursor(micros + "." + UUID.randomUUID());
		for (String listing : List.of("/jobs", "/webhooks/deliveries")) {
			expectInvalidParameter(listing + "?cursor=" + cursor);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.", ".x", "1", "1.00000000-0000-0000-0000-000000000000.x",
			"+1.00000000-0000-0000-0000-000000000000", "\u0000.00000000-0000-0000-0000-000000000000",
			"1e3.00000000-0000-0000-0000-000000000000" })
	void aForgedCursorIsA400(String plain) {
		for (String listing : List.of("/jobs", "/webhooks/deliveries")) {
			expectInvalidParameter(listing + "?cursor=" + cursor(plain));
		}
	}

	/** Found by the route fuzz test: the 415 had {@code "detail": null}. */
	@Test
	void aWildcardContentTypeIsA415WithADetail() {
		this.client.post()
			.uri("/webhooks/endpoints")
			.header("Authorization", this.team.bearer())
			.header("Content-Type", "*/*")
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/unsupported-media-type")
			.jsonPath("$.detail")
			.value((detail) -> org.assertj.core.api.Assertions.assertThat((String) detail).contains("*/*"));
	}

	private static String cursor(String plain) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
	}

	private void expectInvalidParameter(String target) {
		// Sent exactly as written: WebTestClient would encode the '%' of a template.
		this.client.get()
			.uri(URI.create("http://127.0.0.1:" + this.port + target))
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(INVALID_PARAMETER);
	}

}
