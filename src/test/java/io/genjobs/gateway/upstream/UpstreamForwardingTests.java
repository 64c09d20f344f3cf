package io.genjobs.gateway.upstream;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

import javax.imageio.ImageIO;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.standardwebhooks.Webhook;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.team.TeamAdministration;
import io.genjobs.gateway.upstream.simulator.RecordedSubmission;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs forwarded to the built-in RunComfy simulator over real HTTP, and cancelled in each
 * state.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "spring.datasource.hikari.maximum-pool-size=10",
		// A schema of its own: its dispatcher must not forward jobs other test classes
		// leave queued.
		"spring.datasource.hikari.schema=gateway_forwarding", "spring.flyway.schemas=gateway_forwarding",
		"gateway.webhooks.enabled=true", "gateway.webhooks.poll-interval=100ms" })
@DirtiesContext
class UpstreamForwardingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	RunComfySimulator simulator;

	@Autowired
	Dispatcher dispatcher;

	@Autowired
	TeamAdministration administration;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	CircuitBreakerRegistry breakers;

	@Autowired
	Environment environment;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@AfterEach
	void restore() {
		this.simulator.setQueueDelay(this.simulator.settings().queueDelay());
		this.simulator.setRunDelay(this.simulator.settings().runDelay());
		this.dispatcher.start();
	}

	@Test
	void shouldTakeAJobToSucceededSendingRunComfyExactlyItsInputAndToken() {
		String id = TestJobs.create(this.client, this.team, "happy path");
		JsonNode job = TestJobs.await(this.client, this.team, id, Set.of("succeeded", "failed"), TIMEOUT);

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		String requestId = job.get("upstream").get("request_id").stringValue();
		assertThat(job.get("output").get("video").stringValue()).endsWith("/outputs/" + requestId + ".mp4");
		assertThat(job.get("submitted_at").isNull()).isFalse();
		assertThat(job.get("completed_at").isNull()).isFalse();
		List<RecordedSubmission> sent = submissionsWithPrompt("happy path");
		assertThat(sent).hasSize(1);
		assertThat(sent.get(0).modelId()).isEqualTo("bytedance/dreamina-3-0/pro/image-to-video");
		assertThat(sent.get(0).bearerToken()).isEqualTo("test-runcomfy-token");
		assertThat(this.json.readTree(sent.get(0).body())).isEqualTo(job.get("input"));
		// A poll may fall on either side of RunComfy's short in_progress phase: running
		// is optional.
		assertThat(history(id)).isIn(List.of("queued", "submitted", "running", "succeeded"),
				List.of("queued", "submitted", "succeeded"));
	}

	@Test
	void shouldDeliverJobSucceededToTheJobsWebhookUrlSignedWithTheTeamSecret() throws Exception {
		TestWebhookConsumer.Inbox inbox = TestWebhookConsumer.inbox();
		byte[] created = this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"input": {"prompt": "webhook end to end", "image_urls": ["%s"]}, "webhook_url": "%s"}
					""".formatted(TestImageServer.png(400, 400), inbox.url()))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		String id = this.json.readTree(created).get("id").stringValue();
		TestJobs.await(this.client, this.team, id, Set.of("succeeded"), TIMEOUT);

		TestWebhookConsumer.Received delivery = inbox.await(1, TIMEOUT).get(0);
		JsonNode event = this.json.readTree(delivery.bodyText());
		assertThat(event.get("type").stringValue()).isEqualTo("job.succeeded");
		assertThat(event.get("data").get("id").stringValue()).isEqualTo(id);
		assertThat(event.get("data").get("status").stringValue()).isEqualTo("succeeded");
		assertThat(event.get("data").get("output").get("video").isString()).isTrue();
		byte[] secretBody = this.client.get()
			.uri("/webhooks/secret")
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectBody()
			.returnResult()
			.getResponseBody();
		String secret = this.json.readTree(secretBody).get("secret").stringValue();
		new Webhook(secret).verify(delivery.bodyText(), delivery.headers());
	}

	@Test
	void shouldShowALargeDataUriShortInViewsListsAndWebhooksAndSendItWholeToRunComfy() throws Exception {
		byte[] png = noisyPng(360, 360);
		String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
		String shortForm = "data:image/png;base64,\u2026 (" + png.length + " bytes, sha256:"
				+ HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)) + ")";
		TestWebhookConsumer.Inbox inbox = TestWebhookConsumer.inbox();
		byte[] created = this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"input": {"prompt": "large data uri", "image_urls": ["%s"]}, "webhook_url": "%s"}
					""".formatted(dataUri, inbox.url()))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(created.length).isLessThan(4096);
		JsonNode accepted = this.json.readTree(created);
		assertThat(accepted.at("/input/image_urls/0").stringValue()).isEqualTo(shortForm);
		String id = accepted.get("id").stringValue();

		JsonNode job = TestJobs.await(this.client, this.team, id, Set.of("succeeded"), TIMEOUT);
		assertThat(job.at("/input/image_urls/0").stringValue()).isEqualTo(shortForm);
		byte[] page = this.client.get()
			.uri("/jobs?limit=5")
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(new String(page, StandardCharsets.UTF_8)).contains(shortForm).doesNotContain(dataUri);
		TestWebhookConsumer.Received delivery = inbox.await(1, TIMEOUT).get(0);
		assertThat(delivery.bodyText()).contains(shortForm).doesNotContain(dataUri);
		List<RecordedSubmission> sent = submissionsWithPrompt("large data uri");
		assertThat(sent).hasSize(1);
		assertThat(this.json.readTree(sent.get(0).body()).at("/image_urls/0").stringValue()).isEqualTo(dataUri);
	}

	/** A PNG that does not compress: its base64 is far over 1,024 characters. */
	private static byte[] noisyPng(int width, int height) throws IOException {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Random random = new Random(11);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, random.nextInt(0xFFFFFF));
			}
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

	@Test
	void shouldLeaveTheQueuedJobsOfADisabledTeamWaitingUntilItIsEnabledAgain() {
		this.dispatcher.stop();
		String id = TestJobs.create(this.client, this.team, "disabled team");
		this.administration.update(this.team.id(), null, null, null, true);
		this.dispatcher.start();
		// A job of another team goes through meanwhile: the dispatcher ran rounds.
		TestTeam enabled = this.teams.create();
		String other = TestJobs.create(this.client, enabled, "enabled team");
		TestJobs.await(this.client, enabled, other, Set.of("succeeded"), TIMEOUT);
		assertThat(submissionsWithPrompt("disabled team")).isEmpty();
		assertThat(this.jdbc.queryForObject("select status from jobs where id = ?::uuid", String.class, id))
			.isEqualTo("queued");

		this.administration.update(this.team.id(), null, null, null, false);
		JsonNode job = TestJobs.await(this.client, this.team, id, Set.of("succeeded", "failed"), TIMEOUT);
		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(submissionsWithPrompt("disabled team")).hasSize(1);
	}

	@Test
	void shouldCancelAJobNotYetSentWithoutEverSendingIt() {
		this.dispatcher.stop();
		String id = TestJobs.create(this.client, this.team, "cancel while queued");
		cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
		this.dispatcher.start();
		TestJobs.sleep(500);
		assertThat(submissionsWithPrompt("cancel while queued")).isEmpty();
		assertThat(TestJobs.get(this.client, this.team, id).get("status").stringValue()).isEqualTo("cancelled");
		// Cancelling a cancelled job answers the job again.
		cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
	}

	@Test
	void shouldCancelAJobWaitingInRunComfysQueueThere() {
		this.simulator.setQueueDelay(Duration.ofSeconds(30));
		String id = TestJobs.create(this.client, this.team, "cancel while submitted");
		TestJobs.await(this.client, this.team, id, Set.of("submitted"), TIMEOUT);
		cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
		assertThat(history(id)).containsExactly("queued", "submitted", "cancelled");
	}

	@Test
	void shouldRefuseToCancelARunningOrFinishedJob() {
		this.simulator.setQueueDelay(Duration.ZERO);
		this.simulator.setRunDelay(Duration.ofSeconds(2));
		String id = TestJobs.create(this.client, this.team, "cancel while running");
		TestJobs.await(this.client, this.team, id, Set.of("running"), TIMEOUT);
		cancel(id).expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/not-cancellable");
		TestJobs.await(this.client, this.team, id, Set.of("succeeded"), TIMEOUT);
		cancel(id).expectStatus().isEqualTo(HttpStatus.CONFLICT);
	}

	@Test
	void shouldPauseDispatchWhileTheCircuitBreakerIsOpenAndShowItInHealth() {
		CircuitBreaker breaker = this.breakers.circuitBreaker("runcomfy");
		breaker.transitionToForcedOpenState();
		try {
			String id = TestJobs.create(this.client, this.team, "circuit open");
			TestJobs.sleep(700);
			assertThat(TestJobs.get(this.client, this.team, id).get("status").stringValue()).isEqualTo("queued");
			assertThat(submissionsWithPrompt("circuit open")).isEmpty();
			WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + this.environment.getProperty("local.management.port"))
				.build()
				.get()
				.uri("/actuator/health")
				.exchange()
				.expectBody()
				.jsonPath("$.components.circuitBreakers.details.runcomfy.details.state")
				.isEqualTo("FORCED_OPEN");
			breaker.transitionToClosedState();
			TestJobs.await(this.client, this.team, id, Set.of("succeeded"), TIMEOUT);
		}
		finally {
			breaker.transitionToClosedState();
		}
	}

	@Test
	void shouldNotCancelAnotherTeamsJob() {
		this.dispatcher.stop();
		String id = TestJobs.create(this.client, this.team, "other team cancel");
		this.client.post()
			.uri("/jobs/" + id + "/cancel")
			.header("Authorization", this.teams.create().bearer())
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(TestJobs.get(this.client, this.team, id).get("status").stringValue()).isEqualTo("queued");
	}

	private WebTestClient.ResponseSpec cancel(String id) {
		return this.client.post().uri("/jobs/" + id + "/cancel").header("Authorization", this.team.bearer()).exchange();
	}

	private List<RecordedSubmission> submissionsWithPrompt(String prompt) {
		return this.simulator.submissions()
			.stream()
			.filter((submission) -> prompt.equals(this.json.readTree(submission.body()).path("prompt").asString()))
			.toList();
	}

	private List<String> history(String id) {
		byte[] body = this.client.get()
			.uri("/jobs/" + id + "/history")
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(body).valueStream().map((t) -> t.get("to").stringValue()).toList();
	}

}
