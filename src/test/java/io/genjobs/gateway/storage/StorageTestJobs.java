package io.genjobs.gateway.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

/**
 * Jobs for the storage tests, created over HTTP and moved with the job feature's
 * {@link JobLifecycle} facade as the dispatcher and poller would (no upstream runs):
 * RunComfy finishes them with an output whose URLs point at a {@link TestOutputServer}.
 */
@Component
class StorageTestJobs {

	private final WebTestClient client;

	private final JobLifecycle lifecycle;

	private final JdbcTemplate jdbc;

	StorageTestJobs(WebTestClient client, JobLifecycle lifecycle, JdbcTemplate jdbc) {
		this.client = client;
		this.lifecycle = lifecycle;
		this.jdbc = jdbc;
	}

	/** A job of the team, at RunComfy and running. */
	UUID running(TestTeam team) {
		return running(team, UUID.fromString(TestJobs.create(this.client, team, "storage " + UUID.randomUUID())));
	}

	/** A job of the team with a {@code webhook_url}, at RunComfy and running. */
	UUID runningWithWebhook(TestTeam team, String webhookUrl) {
		JsonNode job = this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"input\": {\"prompt\": \"storage webhook\", \"image_urls\": [\""
					+ TestImageServer.png(400, 400) + "\"]}, \"webhook_url\": \"" + webhookUrl + "\"}")
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		return running(team, UUID.fromString(job.get("id").stringValue()));
	}

	private UUID running(TestTeam team, UUID jobId) {
		String owner = "test-dispatcher-" + UUID.randomUUID();
		this.jdbc.update("update jobs set lease_owner = ?, lease_expires_at = now() + interval '1 minute'"
				+ " where id = ? and status = 'queued'", owner, jobId);
		this.lifecycle.markSubmitted(jobId, owner, "req-" + jobId, Duration.ofHours(1));
		this.lifecycle.running(jobId, "in_progress", Instant.now().plusSeconds(3600));
		return jobId;
	}

	/** A running job that RunComfy just finished with {@code outputJson}. */
	UUID completed(TestTeam team, String outputJson) {
		UUID jobId = running(team);
		this.lifecycle.succeed(jobId, outputJson, null);
		return jobId;
	}

	JsonNode awaitTerminal(TestTeam team, UUID jobId, Duration timeout) {
		return TestJobs.await(this.client, team, jobId.toString(), Set.of("succeeded", "failed", "cancelled"), timeout);
	}

}
