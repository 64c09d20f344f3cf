package io.genjobs.gateway.storage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.job.OutputUrls;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outputs the gateway keeps, with the filesystem store: copied before the job succeeds,
 * served with Range, ETag and If-None-Match to the team's keys and by signed links to
 * anyone, still there when RunComfy's URLs are gone; a copy that keeps failing lets the
 * job succeed with RunComfy's URLs and a warning.
 */
@IntegrationTest
@Import({ TestTeamsWithKeys.class, StorageTestJobs.class })
@TestPropertySource(properties = { "gateway.storage.enabled=true", "gateway.storage.copy-timeout=3s",
		"gateway.storage.poll-interval=50ms", "gateway.storage.lease=3s", "gateway.storage.prune-batch-size=2",
		"gateway.storage.prune-interval=0",
		// A schema of its own: its copier must not take other classes' jobs.
		"spring.datasource.hikari.schema=gateway_storage", "spring.flyway.schemas=gateway_storage" })
class OutputStorageIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final TestOutputServer files = TestOutputServer.start();

	private static final Path root = TestOutputServer.temporaryFolder();

	@DynamicPropertySource
	static void storage(DynamicPropertyRegistry registry) {
		files.register(registry, root);
	}

	@AfterAll
	static void stop() {
		files.close();
	}

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	StorageTestJobs jobs;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	OutputRetention retention;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	MeterRegistry meters;

	@Autowired
	@Qualifier("outputStorageHealthIndicator")
	HealthIndicator health;

	@LocalServerPort
	int port;

	private final JsonMapper json = JsonMapper.builder().build();

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void shouldKeepEveryOutputFileInOrderAndServeItAfterRunComfysUrlIsGone() {
		String name = UUID.randomUUID().toString();
		byte[] first = ("first image " + name).getBytes(StandardCharsets.UTF_8);
		byte[] second = ("second image, longer " + name).getBytes(StandardCharsets.UTF_8);
		byte[] preview = ("preview " + name).getBytes(StandardCharsets.UTF_8);
		String output = """
				{"images": ["%s", "%s"], "seed": 7, "extra": {"preview": {"url": "%s"}, "note": "not a url"}}
				""".formatted(files.put(name + "-0", first, "image/png"), files.put(name + "-1", second, "image/png"),
				files.put(name + "-2", preview, "image/jpeg"));
		UUID jobId = this.jobs.completed(this.team, output);

		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);
		files.remove(name + "-0");
		files.remove(name + "-1");
		files.remove(name + "-2");

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("upstream").get("output")).isEqualTo(this.json.readTree(output));
		assertThat(job.get("warnings").isEmpty()).isTrue();
		JsonNode kept = job.get("output");
		assertThat(kept.get("seed").asInt()).isEqualTo(7);
		assertThat(kept.get("extra").get("note").stringValue()).isEqualTo("not a url");
		// File n is the n-th URL of the output as the job shows it.
		List<String> upstreamUrls = OutputUrls.in(this.json.writeValueAsString(job.get("upstream").get("output")));
		List<String> links = OutputUrls.in(this.json.writeValueAsString(kept));
		assertThat(upstreamUrls).hasSize(3);
		assertThat(links).hasSize(3);
		Map<String, byte[]> byUrl = Map.of(files.url(name + "-0"), first, files.url(name + "-1"), second,
				files.url(name + "-2"), preview);
		JsonNode assets = job.get("assets");
		assertThat(assets).hasSize(3);
		for (int n = 0; n < 3; n++) {
			assertThat(links.get(n))
				.startsWith("http://localhost:" + this.port + "/jobs/" + jobId + "/outputs/" + n + "?expires=")
				.contains("&signature=");
			byte[] expected = byUrl.get(upstreamUrls.get(n));
			JsonNode asset = assets.get(n);
			assertThat(asset.get("url").stringValue()).isEqualTo("/jobs/" + jobId + "/outputs/" + n);
			assertThat(asset.get("bytes").asLong()).isEqualTo(expected.length);
			assertThat(asset.get("sha256").stringValue()).isEqualTo(TestOutputServer.sha256(expected));
			byte[] served = download(asset.get("url").stringValue()).expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("ETag", "\"" + TestOutputServer.sha256(expected) + "\"")
				.expectBody()
				.returnResult()
				.getResponseBody();
			assertThat(served).isEqualTo(expected);
			assertThat(asset.get("content_type").stringValue())
				.isEqualTo((expected == preview) ? "image/jpeg" : "image/png");
		}
		download("/jobs/" + jobId + "/outputs/3").expectStatus().isNotFound();
	}

	@Test
	void shouldAnswerRangesAndIfNoneMatch() {
		byte[] bytes = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
		UUID jobId = this.jobs.completed(this.team,
				"{\"video\": \"" + files.put(UUID.randomUUID().toString(), bytes, "video/mp4") + "\"}");
		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);
		String path = job.get("assets").get(0).get("url").stringValue();
		String eTag = "\"" + job.get("assets").get(0).get("sha256").stringValue() + "\"";

		this.client.get()
			.uri(path)
			.header("Authorization", this.team.bearer())
			.header("Range", "bytes=2-5")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.PARTIAL_CONTENT)
			.expectHeader()
			.valueEquals("Content-Range", "bytes 2-5/16")
			.expectBody(String.class)
			.isEqualTo("2345");
		this.client.get()
			.uri(path)
			.header("Authorization", this.team.bearer())
			.header("Range", "bytes=100-200")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
		this.client.get()
			.uri(path)
			.header("Authorization", this.team.bearer())
			.header("If-None-Match", eTag)
			.exchange()
			.expectStatus()
			.isNotModified();
		this.client.get()
			.uri(path)
			.header("Authorization", this.team.bearer())
			.header("If-None-Match", "\"something else\"")
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void shouldOpenASignedLinkWithoutAKeyButNothingElse() {
		byte[] bytes = ("signed " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
		UUID jobId = this.jobs.completed(this.team,
				"{\"audio\": \"" + files.put(UUID.randomUUID().toString(), bytes, "audio/wav") + "\"}");
		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);
		URI link = URI.create(job.get("output").get("audio").stringValue());
		String pathAndQuery = link.getRawPath() + "?" + link.getRawQuery();

		byte[] served = this.client.get()
			.uri(pathAndQuery)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(served).isEqualTo(bytes);

		String tampered = pathAndQuery.substring(0, pathAndQuery.length() - 2)
				+ (pathAndQuery.endsWith("AA") ? "BB" : "AA");
		this.client.get().uri(tampered).exchange().expectStatus().isForbidden();
		String otherFile = pathAndQuery.replace("/outputs/0?", "/outputs/1?");
		this.client.get().uri(otherFile).exchange().expectStatus().isForbidden();
		String later = pathAndQuery.replaceFirst("expires=(\\d+)", "expires=9$1");
		this.client.get().uri(later).exchange().expectStatus().isForbidden();
		this.client.get().uri(link.getRawPath()).exchange().expectStatus().isUnauthorized();
		TestTeam other = this.teams.create();
		this.client.get()
			.uri(link.getRawPath())
			.header("Authorization", other.bearer())
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void shouldRetryAFailingDownloadAndKeepTheFile() {
		String name = UUID.randomUUID().toString();
		byte[] bytes = ("flaky " + name).getBytes(StandardCharsets.UTF_8);
		UUID jobId = this.jobs.completed(this.team, "{\"video\": \"" + files.put(name, bytes, "video/mp4", 1) + "\"}");

		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("assets")).hasSize(1);
		assertThat(job.get("assets").get(0).get("sha256").stringValue()).isEqualTo(TestOutputServer.sha256(bytes));
		assertThat(files.hits(name)).isEqualTo(2);
	}

	@Test
	void shouldStayRunningWhileCopyingAndSucceedWithRunComfysUrlsAndAWarningWhenTheCopyKeepsFailing() {
		String name = UUID.randomUUID().toString();
		String url = files.put(name, new byte[] { 1, 2, 3 }, "video/mp4", 1000);
		String output = "{\"video\": \"" + url + "\"}";
		UUID jobId = this.jobs.completed(this.team, output);
		assertThat(this.client.get()
			.uri("/jobs/" + jobId)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("status")
			.stringValue()).isEqualTo("running");

		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("output").get("video").stringValue()).isEqualTo(url);
		assertThat(job.get("upstream").get("output").get("video").stringValue()).isEqualTo(url);
		assertThat(job.get("assets").isEmpty()).isTrue();
		assertThat(job.get("warnings")).singleElement().satisfies((warning) -> {
			assertThat(warning.get("code").stringValue()).isEqualTo("outputs_not_copied");
			assertThat(warning.get("message").stringValue()).contains("HTTP 503");
		});
		assertThat(files.hits(name)).isGreaterThan(1);
		download("/jobs/" + jobId + "/outputs/0").expectStatus().isNotFound();
	}

	@Test
	void shouldNotWaitOutTheCopyTimeoutForAFileThatIsGone() {
		String url = "http://" + files.hostPort() + "/files/" + UUID.randomUUID();
		long started = System.nanoTime();
		UUID jobId = this.jobs.completed(this.team, "{\"images\": [\"" + url + "\"]}");

		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		assertThat(job.get("output").get("images").get(0).stringValue()).isEqualTo(url);
		assertThat(job.get("warnings").get(0).get("message").stringValue()).contains("HTTP 404");
	}

	@Test
	void shouldTakeOverACopyWhoseInstanceDied() {
		byte[] bytes = ("orphaned " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
		String output = "{\"video\": \"" + files.put(UUID.randomUUID().toString(), bytes, "video/mp4") + "\"}";
		UUID jobId = this.jobs.running(this.team);
		// What a claim by an instance that then died leaves: RunComfy's result recorded,
		// the copy held for a while longer.
		this.jdbc.update("""
				update jobs set upstream_output = ?::jsonb, outputs_pending_since = now(),
				                outputs_due_at = now() + interval '1 second', next_attempt_at = null
				where id = ?""", output, jobId);

		JsonNode job = this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("assets").get(0).get("sha256").stringValue()).isEqualTo(TestOutputServer.sha256(bytes));
	}

	@Test
	void shouldDeleteFilesPastTheirTeamsRetentionInBatches() {
		TestTeam brief = this.teams.create();
		this.client.patch()
			.uri("/admin/teams/" + brief.id())
			.header("Authorization", "Bearer test-admin-token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"output_retention_days\": 1}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.output_retention_days")
			.isEqualTo(1);
		this.client.patch()
			.uri("/admin/teams/" + brief.id())
			.header("Authorization", "Bearer test-admin-token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"output_retention_days\": 0}")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		UUID shortLived = keptJob(brief);
		UUID[] longLived = { keptJob(this.team), keptJob(this.team), keptJob(this.team) };
		// Two days old: past the brief team's day, well within the default 30 days.
		this.jdbc.update("update stored_outputs set stored_at = now() - interval '2 days' where job_id = any(?)",
				(Object) new UUID[] { shortLived, longLived[0], longLived[1], longLived[2] });
		assertThat(root.resolve(shortLived + "/0")).exists();

		int deleted = this.retention.prune();

		assertThat(deleted).isGreaterThanOrEqualTo(1);
		assertThat(root.resolve(shortLived + "/0")).doesNotExist();
		this.client.get()
			.uri("/jobs/" + shortLived + "/outputs/0")
			.header("Authorization", brief.bearer())
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains("retention"));
		for (UUID kept : longLived) {
			assertThat(root.resolve(kept + "/0")).exists();
			download("/jobs/" + kept + "/outputs/0").expectStatus().isOk();
		}
		// Past the default too: deleted in batches of two.
		this.jdbc.update("update stored_outputs set stored_at = now() - interval '31 days' where job_id = any(?)",
				(Object) longLived);
		assertThat(this.retention.prune()).isGreaterThanOrEqualTo(3);
		for (UUID gone : longLived) {
			assertThat(root.resolve(gone + "/0")).doesNotExist();
		}
	}

	@Test
	void shouldCountCopiesAndBytesAndReportTheStoreHealthy() {
		double before = this.meters.counter("gateway.storage.copies", "outcome", "copied").count();
		keptJob(this.team);
		assertThat(this.meters.counter("gateway.storage.copies", "outcome", "copied").count()).isEqualTo(before + 1);
		assertThat(this.meters.timer("gateway.storage.copy.duration", "outcome", "copied").count()).isPositive();
		assertThat(this.meters.counter("gateway.storage.copied.bytes").count()).isPositive();
		assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void shouldCarryTheSignedLinksAndAssetsInTheSucceededWebhookEvent() {
		byte[] bytes = ("webhook " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
		String url = files.put(UUID.randomUUID().toString(), bytes, "video/mp4");
		UUID jobId = this.jobs.runningWithWebhook(this.team, TestWebhookConsumer.inbox().url());
		this.lifecycle.succeed(jobId, "{\"video\": \"" + url + "\"}", null);
		this.jobs.awaitTerminal(this.team, jobId, TIMEOUT);

		byte[] payload = this.jdbc.queryForObject(
				"select payload from webhook_events where job_id = ? and type = 'job.succeeded'", byte[].class, jobId);
		JsonNode data = this.json.readTree(payload).get("data");

		assertThat(data.get("output").get("video").stringValue())
			.startsWith("http://localhost:" + this.port + "/jobs/" + jobId + "/outputs/0?expires=");
		assertThat(data.get("upstream").get("output").get("video").stringValue()).isEqualTo(url);
		assertThat(data.get("assets").get(0).get("sha256").stringValue()).isEqualTo(TestOutputServer.sha256(bytes));
		URI link = URI.create(data.get("output").get("video").stringValue());
		byte[] served = this.client.get()
			.uri(link.getRawPath() + "?" + link.getRawQuery())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(served).isEqualTo(bytes);
	}

	private UUID keptJob(TestTeam owner) {
		byte[] bytes = ("kept " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
		UUID jobId = this.jobs.completed(owner,
				"{\"video\": \"" + files.put(UUID.randomUUID().toString(), bytes, "video/mp4") + "\"}");
		assertThat(this.jobs.awaitTerminal(owner, jobId, TIMEOUT).get("assets")).hasSize(1);
		return jobId;
	}

	private WebTestClient.ResponseSpec download(String path) {
		return this.client.get().uri(path).header("Authorization", this.team.bearer()).exchange();
	}

}
