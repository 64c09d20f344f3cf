package io.genjobs.gateway.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.simulator.RecordedSubmission;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The built-in simulator's balance switch, as a developer tries it with
 * {@code ./mvnw spring-boot:run}: started with
 * {@code gateway.simulator.insufficient-balance=true} it refuses every submit as RunComfy
 * does (HTTP 402, {@code error_code} 400002), the gateway pauses dispatch and keeps the
 * job queued, and {@code POST /_simulator/balance {"insufficient": false}} on the
 * simulator's port lets the job through.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_simulator_balance",
		"spring.flyway.schemas=gateway_simulator_balance", "gateway.simulator.insufficient-balance=true",
		"gateway.upstream.enabled=true", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.poll-interval=100ms", "gateway.upstream.max-poll-interval=200ms",
		"gateway.upstream.payment-retry-interval=500ms", "gateway.simulator.queue-delay=50ms",
		"gateway.simulator.run-delay=50ms" })
class SimulatorBalanceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	RunComfySimulator simulator;

	@Autowired
	JsonMapper json;

	@LocalManagementPort
	int managementPort;

	@Test
	void shouldKeepTheJobQueuedWhileTheSimulatorRefusesForBalanceAndRunItOnceSwitchedBack() throws Exception {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "balance switch");

		await().atMost(TIMEOUT).until(() -> this.simulator.submissions().stream().anyMatch((s) -> s.status() == 402));
		await().atMost(TIMEOUT).until(() -> readiness().equals("UPSTREAM_PAYMENT_REQUIRED"));
		assertThat(TestJobs.get(this.client, team, id).get("status").asString()).isEqualTo("queued");

		// RunComfy's shape: HTTP 402 with error_code 400002.
		HttpResponse<String> refused = send("POST", "/v1/models/bytedance/dreamina-3-0/pro/image-to-video",
				"{\"prompt\": \"direct\"}", true);
		assertThat(refused.statusCode()).isEqualTo(402);
		assertThat(this.json.readTree(refused.body()).get("error_code").asLong())
			.isEqualTo(RunComfySimulator.INSUFFICIENT_BALANCE);
		// The switch, on the simulator's own port, without a token.
		assertThat(this.json.readTree(send("GET", "/_simulator/balance", null, false).body())
			.get("insufficient")
			.asBoolean()).isTrue();
		assertThat(send("POST", "/_simulator/balance", "{\"insufficient\": \"no\"}", false).statusCode())
			.isEqualTo(400);
		HttpResponse<String> switched = send("POST", "/_simulator/balance", "{\"insufficient\": false}", false);
		assertThat(switched.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(switched.body()).get("insufficient").asBoolean()).isFalse();

		JsonNode job = TestJobs.await(this.client, team, id, Set.of("succeeded", "failed"), TIMEOUT);
		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(this.simulator.submissions().stream().filter(RecordedSubmission::accepted).count()).isEqualTo(1);
		await().atMost(TIMEOUT).until(() -> readiness().equals("UP"));
	}

	private String readiness() {
		byte[] body = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(new String(body, StandardCharsets.UTF_8)).get("status").asString();
	}

	private HttpResponse<String> send(String method, String path, String body, boolean withToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (withToken) {
			request.header("Authorization", "Bearer " + this.simulator.settings().token());
		}
		try (HttpClient http = HttpClient.newHttpClient()) {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
	}

}
