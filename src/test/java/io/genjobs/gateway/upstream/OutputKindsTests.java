package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs for models of every kind, end to end against the built-in simulator and its
 * catalog: the job's {@code output} is RunComfy's output object whatever the model makes
 * ({@code images}, {@code video}, {@code audio}), nothing in between assumes a video.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "spring.datasource.hikari.maximum-pool-size=6",
		"spring.datasource.hikari.schema=gateway_outputs", "spring.flyway.schemas=gateway_outputs" })
@DirtiesContext
class OutputKindsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	TestTeam team;

	@BeforeEach
	void newTeamOnceTheCatalogIsSynced() {
		this.team = this.teams.create();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (this.client.get()
			.uri("/models/simulator/text-to-audio")
			.header("Authorization", this.team.bearer())
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value() != 200) {
			assertThat(System.nanoTime()).as("the simulator's catalog synced").isLessThan(deadline);
			TestJobs.sleep(100);
		}
	}

	@Test
	void shouldCompleteAnAudioJobWithRunComfysAudioOutput() {
		JsonNode job = run("simulator/text-to-audio", "{\"prompt\": \"rain on a tin roof\", \"duration\": 3}");
		assertThat(job.get("output").propertyNames()).containsExactly("audio");
		assertThat(job.get("output").get("audio").stringValue()).endsWith(".wav");
	}

	@Test
	void shouldCompleteAnImageJobWithRunComfysImagesOutput() {
		JsonNode job = run("google/nano-banana-2-lite/text-to-image", "{\"prompt\": \"a red fox\"}");
		assertThat(job.get("output").propertyNames()).containsExactly("images");
		assertThat(job.get("output").get("images")).singleElement()
			.satisfies((url) -> assertThat(url.stringValue()).endsWith(".jpg"));
	}

	@Test
	void shouldCompleteAVideoJobWithRunComfysVideoOutput() {
		String id = TestJobs.create(this.client, this.team, "a video");
		JsonNode job = TestJobs.await(this.client, this.team, id, Set.of("succeeded", "failed"), TIMEOUT);
		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("output").propertyNames()).containsExactly("video");
		assertThat(job.get("output").get("video").stringValue()).endsWith(".mp4");
	}

	private JsonNode run(String model, String input) {
		String body = "{\"model\": \"" + model + "\", \"input\": " + input + "}";
		JsonNode accepted = this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		JsonNode job = TestJobs.await(this.client, this.team, accepted.get("id").stringValue(),
				Set.of("succeeded", "failed"), TIMEOUT);
		assertThat(job.get("status").stringValue()).as(json.writeValueAsString(job)).isEqualTo("succeeded");
		return job;
	}

}
