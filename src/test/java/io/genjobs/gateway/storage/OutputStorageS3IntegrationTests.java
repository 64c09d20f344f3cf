package io.genjobs.gateway.storage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outputs kept in an S3-compatible store (S3Mock as its own process over HTTP on
 * loopback): copied there before the job succeeds, and served by a redirect to a
 * presigned URL that yields RunComfy's bytes after RunComfy's URL is gone.
 */
@IntegrationTest
@Import({ TestTeamsWithKeys.class, StorageTestJobs.class })
@TestPropertySource(properties = { "gateway.storage.enabled=true", "gateway.storage.type=s3",
		"gateway.storage.s3.bucket=" + S3MockServer.BUCKET, "gateway.storage.s3.region=us-east-1",
		"gateway.storage.s3.path-style=true", "gateway.storage.poll-interval=50ms",
		"spring.datasource.hikari.schema=gateway_storage_s3", "spring.flyway.schemas=gateway_storage_s3" })
class OutputStorageS3IntegrationTests {

	private static final TestOutputServer files = TestOutputServer.start();

	@DynamicPropertySource
	static void storage(DynamicPropertyRegistry registry) {
		registry.add("gateway.outbound.allowed-hosts[2]", files::hostPort);
		registry.add("gateway.storage.s3.endpoint", () -> S3MockServer.get().endpoint());
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

	@Test
	void shouldKeepTheFileInTheBucketAndRedirectToIt() throws Exception {
		TestTeam team = this.teams.create();
		String name = UUID.randomUUID().toString();
		byte[] bytes = ("kept in S3 " + name).getBytes(StandardCharsets.UTF_8);
		UUID jobId = this.jobs.completed(team, "{\"video\": \"" + files.put(name, bytes, "video/mp4") + "\"}");

		JsonNode job = this.jobs.awaitTerminal(team, jobId, Duration.ofSeconds(30));
		files.remove(name);

		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		JsonNode asset = job.get("assets").get(0);
		assertThat(asset.get("sha256").stringValue()).isEqualTo(TestOutputServer.sha256(bytes));
		String eTag = "\"" + asset.get("sha256").stringValue() + "\"";
		String location = this.client.get()
			.uri(asset.get("url").stringValue())
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TEMPORARY_REDIRECT)
			.expectHeader()
			.valueEquals("ETag", eTag)
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		assertThat(location)
			.startsWith(S3MockServer.get().endpoint() + "/" + S3MockServer.BUCKET + "/outputs/" + jobId + "/0?")
			.contains("X-Amz-Signature=");
		HttpResponse<byte[]> stored = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(stored.statusCode()).isEqualTo(200);
		assertThat(stored.body()).isEqualTo(bytes);
		assertThat(stored.headers().firstValue("Content-Type")).hasValue("video/mp4");

		this.client.get()
			.uri(asset.get("url").stringValue())
			.header("Authorization", team.bearer())
			.header("If-None-Match", eTag)
			.exchange()
			.expectStatus()
			.isNotModified();
		URI signed = URI.create(job.get("output").get("video").stringValue());
		this.client.get()
			.uri(signed.getRawPath() + "?" + signed.getRawQuery())
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TEMPORARY_REDIRECT);
	}

}
