package io.genjobs.gateway;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@IntegrationTest
class GatewayApplicationTests {

	@Autowired
	WebTestClient client;

	@Test
	void unknownRouteIsAProblemDocument() {
		this.client.get()
			.uri("/no-such-thing")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404)
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/not-found");
	}

}
