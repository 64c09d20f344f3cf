package io.genjobs.gateway.ops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management port: what it exposes, the health groups, and that nothing of it leaks
 * onto the public port or shows a secret.
 */
@IntegrationTest
class ActuatorTests {

	private static final List<String> EXPOSED = List.of("health", "info", "prometheus", "gateway", "circuitbreakers",
			"circuitbreakerevents", "retries", "retryevents", "ratelimiters", "ratelimiterevents");

	@LocalManagementPort
	int managementPort;

	@LocalServerPort
	int serverPort;

	@Value("${gateway.admin-token}")
	String adminToken;

	@Value("${gateway.runcomfy.api-token}")
	String runComfyToken;

	@Autowired
	CircuitBreakerRegistry circuitBreakers;

	@Autowired
	JsonMapper json;

	@Test
	void managementPortExposesTheOperatorEndpointsAndNothingElse() {
		JsonNode links = getJson(management(), "/actuator").get("_links");
		List<String> names = new ArrayList<>();
		links.propertyNames().forEach(names::add);
		assertThat(names).contains(EXPOSED.toArray(String[]::new));
		assertThat(names).allMatch((name) -> name.equals("self")
				|| EXPOSED.stream().anyMatch((exposed) -> name.equals(exposed) || name.startsWith(exposed + "-")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "env", "configprops", "beans", "heapdump", "threaddump", "shutdown", "loggers", "mappings",
			"metrics", "scheduledtasks", "conditions", "sbom", "startup", "caches" })
	void sensitiveEndpointsAreNotThere(String endpoint) {
		management().get().uri("/actuator/" + endpoint).exchange().expectStatus().isNotFound();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator", "/actuator/health", "/actuator/health/readiness", "/actuator/info",
			"/actuator/prometheus", "/actuator/gateway", "/actuator/circuitbreakers", "/actuator/env" })
	void nothingOfTheManagementPortAnswersOnThePublicPort(String path) {
		WebTestClient publicPort = client(this.serverPort);
		publicPort.get().uri(path).exchange().expectStatus().isNotFound();
		publicPort.get()
			.uri(path)
			.header("Authorization", "Bearer " + this.adminToken)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void livenessAndReadinessGroupsAreUp() {
		JsonNode liveness = getJson(management(), "/actuator/health/liveness");
		assertThat(liveness.get("status").stringValue()).isEqualTo("UP");
		JsonNode readiness = getJson(management(), "/actuator/health/readiness");
		assertThat(readiness.get("status").stringValue()).isEqualTo("UP");
		assertThat(readiness.get("components").propertyNames()).containsExactlyInAnyOrder("readinessState", "db",
				"circuitBreakers", "upstreamPayment");
		assertThat(readiness.at("/components/circuitBreakers/details/runcomfy/details/state").stringValue())
			.isEqualTo("CLOSED");
	}

	@Test
	void anOpenCircuitBreakerShowsInReadinessWithoutTakingTheGatewayOutOfRotation() {
		CircuitBreaker breaker = this.circuitBreakers.circuitBreaker("runcomfy");
		breaker.transitionToOpenState();
		try {
			JsonNode readiness = management().get()
				.uri("/actuator/health/readiness")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody();
			assertThat(readiness.get("status").stringValue()).isEqualTo("CIRCUIT_OPEN");
			assertThat(readiness.at("/components/circuitBreakers/status").stringValue()).isEqualTo("CIRCUIT_OPEN");
			assertThat(readiness.at("/components/circuitBreakers/details/runcomfy/details/state").stringValue())
				.isEqualTo("OPEN");
			assertThat(getJson(management(), "/actuator/health/liveness").get("status").stringValue()).isEqualTo("UP");
		}
		finally {
			breaker.transitionToClosedState();
		}
	}

	@Test
	void infoShowsTheBuildAndTheCommitWhenKnown() {
		JsonNode info = getJson(management(), "/actuator/info");
		assertThat(info.at("/build/version").stringValue()).isNotBlank();
		assertThat(info.at("/build/artifact").stringValue()).isEqualTo("runcomfy-gateway");
		if (new ClassPathResource("git.properties").exists()) {
			assertThat(info.at("/git/commit/id").stringValue()).isNotBlank();
		}
	}

	@Test
	void prometheusExportsGatewayAndResilienceMetrics() {
		String scrape = getText(management(), "/actuator/prometheus");
		assertThat(scrape).contains("gateway_jobs_queued{", "gateway_jobs_queued_oldest_age_seconds{",
				"gateway_jobs_in_flight{", "gateway_webhook_deliveries_backlog{", "resilience4j_circuitbreaker_state{",
				"resilience4j_circuitbreaker_failure_rate{", "application=\"runcomfy-gateway\"");
	}

	@Test
	void noSecretAppearsInAnyManagementEndpoint() {
		assertThat(this.adminToken).isNotBlank();
		assertThat(this.runComfyToken).isNotBlank();
		JsonNode links = getJson(management(), "/actuator").get("_links");
		List<String> paths = new ArrayList<>();
		for (Map.Entry<String, JsonNode> link : links.properties()) {
			if (!link.getValue().path("templated").asBoolean(false)) {
				paths.add(link.getValue().get("href").stringValue().replaceFirst("^https?://[^/]+", ""));
			}
		}
		paths.addAll(List.of("/actuator/health/liveness", "/actuator/health/readiness",
				"/actuator/circuitbreakerevents/runcomfy", "/actuator/retryevents/runcomfy-submit"));
		assertThat(paths).hasSizeGreaterThan(10);
		for (String path : paths) {
			String body = getText(management(), path);
			assertThat(body).as(path).doesNotContain(this.adminToken).doesNotContain(this.runComfyToken);
		}
	}

	private WebTestClient management() {
		return client(this.managementPort);
	}

	private static WebTestClient client(int port) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
	}

	private JsonNode getJson(WebTestClient client, String path) {
		return this.json.readTree(getText(client, path));
	}

	private static String getText(WebTestClient client, String path) {
		byte[] body = client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

}
