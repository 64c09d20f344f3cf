package io.genjobs.gateway;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * 100 jobs, each with a 4 MB {@code data:} URI, accepted, sent to RunComfy, listed and
 * delivered to a webhook consumer in a JVM with a 256 MiB heap (surefire's
 * {@code bounded-memory} execution runs every {@code *MemoryTests} class with
 * {@code -Xmx256m}): views, pages and webhook bodies carry the URI's short form, so
 * nothing holds 100 of them at once.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=200", "spring.datasource.hikari.maximum-pool-size=10",
		"spring.datasource.hikari.schema=gateway_memory", "spring.flyway.schemas=gateway_memory",
		"gateway.webhooks.enabled=true", "gateway.webhooks.poll-interval=100ms", "gateway.simulator.queue-delay=50ms",
		"gateway.simulator.run-delay=100ms" })
@DirtiesContext
class LargeInputsMemoryTests {

	private static final int JOBS = 100;

	private static final Duration TIMEOUT = Duration.ofMinutes(3);

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	RunComfySimulator simulator;

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void hundredJobsWithFourMegabyteDataUrisAreListedAndDeliveredInASmallHeap() throws IOException {
		// Only the bounded-memory execution runs it (-Dtest=... picks it in both).
		assumeTrue(Boolean.getBoolean("gateway.test.bounded-memory"), "runs in the bounded-memory execution");
		assertThat(Runtime.getRuntime().maxMemory()).as("this test runs with -Xmx256m")
			.isLessThanOrEqualTo(256L * 1024 * 1024);
		String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(noisyPng(1000, 1000));
		assertThat(dataUri.length()).isBetween(3_900_000, 4_700_000);
		TestTeam team = this.teams.create(1000, 1000);
		TestWebhookConsumer.Inbox inbox = TestWebhookConsumer.inbox();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < JOBS; i++) {
			ids.add(create(team, "large " + i, dataUri, inbox.url()));
		}
		for (String id : ids) {
			JsonNode job = TestJobs.await(this.client, team, id, Set.of("succeeded", "failed"), TIMEOUT);
			assertThat(job.get("status").stringValue()).as(id).isEqualTo("succeeded");
		}

		byte[] page = this.client.get()
			.uri("/jobs?limit=" + JOBS)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(page.length).isLessThan(1024 * 1024);
		JsonNode listed = this.json.readTree(page);
		assertThat(listed.get("data")).hasSize(JOBS);
		assertThat(listed.get("data").get(0).at("/input/image_urls/0").stringValue())
			.startsWith("data:image/png;base64,\u2026 (");
		List<TestWebhookConsumer.Received> deliveries = inbox.await(JOBS, TIMEOUT);
		Set<String> delivered = new HashSet<>();
		for (TestWebhookConsumer.Received delivery : deliveries) {
			assertThat(delivery.body().length).isLessThan(16 * 1024);
			delivered.add(this.json.readTree(delivery.bodyText()).at("/data/id").stringValue());
		}
		assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(this.simulator.submissions()).filteredOn((s) -> s.body().contains("\"large "))
			.hasSizeGreaterThanOrEqualTo(JOBS);
	}

	private String create(TestTeam team, String prompt, String dataUri, String webhookUrl) {
		String body = "{\"input\": {\"prompt\": \"" + prompt + "\", \"image_urls\": [\"" + dataUri
				+ "\"]}, \"webhook_url\": \"" + webhookUrl + "\", \"webhook_events\": [\"job.succeeded\"]}";
		byte[] created = this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body.getBytes(StandardCharsets.UTF_8))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(created.length).isLessThan(4096);
		return this.json.readTree(created).get("id").stringValue();
	}

	/** A PNG that does not compress: about 3 MB, 4 MB as base64. */
	private static byte[] noisyPng(int width, int height) throws IOException {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Random random = new Random(3);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, random.nextInt(0xFFFFFF));
			}
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

}
