package io.genjobs.gateway.webhook;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /webhooks/endpoints} and {@code /webhooks/secret}. */
@WebhookIntegrationTest
class WebhookEndpointsTests {

	private static final String PROBLEMS = "https://runcomfy-gateway.genjobs.io/problems/";

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	WebhookSettings settings;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void createsAnEndpointWithItsOwnSecretAndAllEventsByDefault() {
		String url = TestWebhookConsumer.inbox().url();
		JsonNode endpoint = this.support.post(this.team, "/webhooks/endpoints", "{\"url\": \"" + url + "\"}")
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", "/webhooks/endpoints/[0-9a-f-]{36}")
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(endpoint.get("url").stringValue()).isEqualTo(url);
		assertThat(WebhookTestSupport.list(endpoint.get("events")).stream().map(JsonNode::stringValue)).containsExactly(
				"job.submitted", "job.running", "job.succeeded", "job.failed", "job.cancelled",
				"budget.threshold_reached");
		String secret = endpoint.get("secret").stringValue();
		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
		assertThat(endpoint.get("disabled_at").isNull()).isTrue();

		JsonNode other = this.support.createEndpoint(this.team, url, "job.failed", "job.failed", "job.succeeded");
		assertThat(WebhookTestSupport.list(other.get("events")).stream().map(JsonNode::stringValue))
			.containsExactly("job.failed", "job.succeeded");
		assertThat(other.get("secret").stringValue()).isNotEqualTo(secret);

		JsonNode listed = this.support.get(this.team, "/webhooks/endpoints").get("data");
		assertThat(WebhookTestSupport.list(listed).stream().map((e) -> e.get("id").stringValue()))
			.containsExactly(endpoint.get("id").stringValue(), other.get("id").stringValue());
		assertThat(this.support.get(this.team, "/webhooks/endpoints/" + endpoint.get("id").stringValue()))
			.isEqualTo(endpoint);
	}

	@Test
	void refusesInvalidEndpointsListingEveryProblem() {
		this.support.post(this.team, "/webhooks/endpoints", "{\"events\": [\"job.done\", 5], \"secret\": \"x\"}")
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "validation-failed")
			.jsonPath("$.errors[*].field")
			.value((java.util.List<String> fields) -> assertThat(fields).containsExactlyInAnyOrder("secret", "url",
					"events[0]", "events[1]"));
		this.support.post(this.team, "/webhooks/endpoints", "{\"url\": \"ftp://example.com/hook\"}")
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).contains("only http and https"));
		this.support.post(this.team, "/webhooks/endpoints", "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": []}")
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[*].field")
			.value((java.util.List<String> fields) -> assertThat(fields).containsExactlyInAnyOrder("url", "events"));
		this.support.post(this.team, "/webhooks/endpoints", "[]").expectStatus().isEqualTo(422);
	}

	@Test
	void deletesAnEndpoint() {
		String id = this.support.createEndpoint(this.team, TestWebhookConsumer.inbox().url()).get("id").stringValue();
		this.client.delete()
			.uri("/webhooks/endpoints/" + id)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isNoContent();
		this.support.expectGet(this.team, "/webhooks/endpoints/" + id, 404);
		assertThat(this.support.get(this.team, "/webhooks/endpoints").get("data")).isEmpty();
	}

	@Test
	void anotherTeamsEndpointIsNotFound() {
		String id = this.support.createEndpoint(this.team, TestWebhookConsumer.inbox().url()).get("id").stringValue();
		TestTeam other = this.teams.create();
		this.support.expectGet(other, "/webhooks/endpoints/" + id, 404);
		this.client.delete()
			.uri("/webhooks/endpoints/" + id)
			.header("Authorization", other.bearer())
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "webhook-endpoint-not-found");
		assertThat(this.support.get(other, "/webhooks/endpoints").get("data")).isEmpty();
		this.support.expectGet(this.team, "/webhooks/endpoints/" + id, 200);
		this.support.expectGet(this.team, "/webhooks/endpoints/not-a-uuid", 404);
		this.support.expectGet(this.team, "/webhooks/endpoints/" + UUID.randomUUID(), 404);
	}

	@Test
	void eachTeamHasItsOwnSecretWhichRotationReplaces() {
		JsonNode first = this.support.get(this.team, "/webhooks/secret");
		String secret = first.get("secret").stringValue();
		assertThat(secret).startsWith("whsec_");
		assertThat(first.get("previous_secret_expires_at").isNull()).isTrue();
		assertThat(this.support.get(this.team, "/webhooks/secret").get("secret").stringValue()).isEqualTo(secret);
		assertThat(this.support.teamSecret(this.teams.create())).isNotEqualTo(secret);

		JsonNode rotated = this.support.post(this.team, "/webhooks/secret/rotate", null)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(rotated.get("secret").stringValue()).startsWith("whsec_").isNotEqualTo(secret);
		assertThat(rotated.get("previous_secret_expires_at").isNull()).isFalse();
	}

	@Test
	void aTeamHasAtMostMaxEndpointsPerTeamEvenWhenCreatingManyAtOnce() throws Exception {
		int max = this.settings.maxEndpointsPerTeam();
		String body = "{\"url\": \"" + TestWebhookConsumer.inbox().url() + "\"}";
		List<Integer> statuses = new CopyOnWriteArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < max + 10; i++) {
				threads.submit(() -> statuses.add(this.support.post(this.team, "/webhooks/endpoints", body)
					.returnResult(JsonNode.class)
					.getStatus()
					.value()));
			}
		}
		assertThat(statuses).hasSize(max + 10);
		assertThat(statuses).filteredOn((status) -> status == 201).hasSize(max);
		assertThat(statuses).filteredOn((status) -> status == 409).hasSize(10);
		this.support.post(this.team, "/webhooks/endpoints", body)
			.expectStatus()
			.isEqualTo(409)
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "webhook-endpoint-limit-reached")
			.jsonPath("$.max_endpoints")
			.isEqualTo(max);
		// Another team's count is its own.
		this.support.createEndpoint(this.teams.create(), TestWebhookConsumer.inbox().url());

		String first = this.support.get(this.team, "/webhooks/endpoints?limit=1")
			.get("data")
			.get(0)
			.get("id")
			.stringValue();
		this.client.delete()
			.uri("/webhooks/endpoints/" + first)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isNoContent();
		this.support.createEndpoint(this.team, TestWebhookConsumer.inbox().url());
	}

	@Test
	void theEndpointListPagesOldestFirst() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(this.support.createEndpoint(this.team, TestWebhookConsumer.inbox().url()).get("id").stringValue());
		}
		JsonNode first = this.support.get(this.team, "/webhooks/endpoints?limit=2");
		assertThat(WebhookTestSupport.list(first.get("data")).stream().map((e) -> e.get("id").stringValue()))
			.containsExactly(ids.get(0), ids.get(1));
		assertThat(first.get("data").get(0).get("secret").stringValue()).startsWith("whsec_");
		JsonNode second = this.support.get(this.team,
				"/webhooks/endpoints?limit=2&cursor=" + first.get("next_cursor").stringValue());
		assertThat(WebhookTestSupport.list(second.get("data")).stream().map((e) -> e.get("id").stringValue()))
			.containsExactly(ids.get(2));
		assertThat(second.get("next_cursor").isNull()).isTrue();
		assertThat(this.support.get(this.team, "/webhooks/endpoints").get("data")).hasSize(3);

		this.support.expectGet(this.team, "/webhooks/endpoints?limit=0", 400);
		this.support.expectGet(this.team, "/webhooks/endpoints?limit=101", 400);
		this.support.expectGet(this.team, "/webhooks/endpoints?cursor=nope", 400);
	}

	@Test
	void webhookCallsNeedAKey() {
		this.client.get().uri("/webhooks/endpoints").exchange().expectStatus().isUnauthorized();
		this.client.get().uri("/webhooks/secret").exchange().expectStatus().isUnauthorized();
	}

}
