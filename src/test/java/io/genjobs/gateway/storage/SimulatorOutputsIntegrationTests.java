package io.genjobs.gateway.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole way: a job forwarded to the built-in RunComfy simulator, whose output file
 * (served by the simulator on loopback, allow-listed) the gateway copies before the job
 * succeeds; the copy's bytes are RunComfy's, and stay when the simulator forgets the job.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "gateway.storage.enabled=true",
		"gateway.storage.poll-interval=50ms", "spring.datasource.hikari.schema=gateway_storage_e2e",
		"spring.flyway.schemas=gateway_storage_e2e" })
@DirtiesContext
class SimulatorOutputsIntegrationTests {

	private static final int SIMULATOR_PORT = freePort();

	@DynamicPropertySource
	static void simulator(DynamicPropertyRegistry registry) {
		registry.add("gateway.simulator.port", () -> SIMULATOR_PORT);
		registry.add("gateway.outbound.allowed-hosts[2]", () -> "127.0.0.1:" + SIMULATOR_PORT);
		registry.add("gateway.storage.path", () -> temporaryFolder().toString());
	}

	private static Path temporaryFolder() {
		try {
			return Files.createTempDirectory("gateway-outputs");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	RunComfySimulator simulator;

	@Test
	void shouldKeepTheSimulatorsOutputByteForByte() throws Exception {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "kept by the gateway");

		JsonNode job = TestJobs.await(this.client, team, id, Set.of("succeeded", "failed"), Duration.ofSeconds(30));

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		String upstreamUrl = job.get("upstream").get("output").get("video").stringValue();
		assertThat(upstreamUrl).startsWith(this.simulator.baseUrl());
		HttpClient http = HttpClient.newHttpClient();
		byte[] original = http
			.send(HttpRequest.newBuilder(URI.create(upstreamUrl)).build(), HttpResponse.BodyHandlers.ofByteArray())
			.body();
		JsonNode asset = job.get("assets").get(0);
		assertThat(asset.get("sha256").stringValue()).isEqualTo(TestOutputServer.sha256(original));
		assertThat(asset.get("content_type").stringValue()).isEqualTo("video/mp4");

		this.simulator.reset();
		assertThat(http
			.send(HttpRequest.newBuilder(URI.create(upstreamUrl)).build(), HttpResponse.BodyHandlers.discarding())
			.statusCode()).isEqualTo(404);
		byte[] kept = this.client.get()
			.uri(asset.get("url").stringValue())
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(kept).isEqualTo(original);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
