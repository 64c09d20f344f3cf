package io.genjobs.gateway.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer.Received;

/**
 * Drives jobs through their states and reads the webhook API for the webhook tests. Jobs
 * are created over HTTP and moved with the job feature's {@link JobLifecycle} facade (no
 * dispatcher runs in these tests), after a submit lease is put on them the way a
 * dispatcher's claim would.
 */
@Component
class WebhookTestSupport {

	private final WebTestClient client;

	private final JobLifecycle lifecycle;

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	WebhookTestSupport(WebTestClient client, JobLifecycle lifecycle, JdbcTemplate jdbc, JsonMapper json) {
		this.client = client;
		this.lifecycle = lifecycle;
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * A queued job of the team, with this webhook_url and events ({@code null}: none).
	 */
	UUID createJob(TestTeam team, String webhookUrl, String... events) {
		StringBuilder body = new StringBuilder("{\"input\": {\"prompt\": \"a cat surfing\", \"image_urls\": [\"")
			.append(TestImageServer.png(1024, 768))
			.append("\"]}");
		if (webhookUrl != null) {
			body.append(", \"webhook_url\": \"").append(webhookUrl).append('"');
		}
		if (events.length > 0) {
			body.append(", \"webhook_events\": ").append(this.json.writeValueAsString(List.of(events)));
		}
		body.append('}');
		JsonNode job = post(team, "/jobs", body.toString()).expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		return UUID.fromString(job.get("id").stringValue());
	}

	/**
	 * Moves a queued job to submitted, as a dispatcher does after RunComfy accepted it.
	 */
	void submit(UUID jobId) {
		String owner = "test-dispatcher-" + UUID.randomUUID();
		this.jdbc.update("update jobs set lease_owner = ?, lease_expires_at = now() + interval '1 minute'"
				+ " where id = ? and status = 'queued'", owner, jobId);
		this.lifecycle.markSubmitted(jobId, owner, "req-" + jobId, Duration.ofHours(1));
	}

	/** Moves a queued job through submitted and running to succeeded. */
	void succeed(UUID jobId) {
		submit(jobId);
		this.lifecycle.running(jobId, "in_progress", java.time.Instant.now().plusSeconds(3600));
		this.lifecycle.succeed(jobId, "{\"videos\": [\"https://cdn.example/v.mp4\"]}");
	}

	JsonNode createEndpoint(TestTeam team, String url, String... events) {
		String body = (events.length > 0)
				? "{\"url\": \"" + url + "\", \"events\": " + this.json.writeValueAsString(List.of(events)) + "}"
				: "{\"url\": \"" + url + "\"}";
		return post(team, "/webhooks/endpoints", body).expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	String teamSecret(TestTeam team) {
		return get(team, "/webhooks/secret").get("secret").stringValue();
	}

	/** The team's deliveries of a job, newest first. */
	JsonNode deliveries(TestTeam team, UUID jobId) {
		return get(team, "/webhooks/deliveries?job_id=" + jobId).get("data");
	}

	JsonNode delivery(TestTeam team, String id) {
		return get(team, "/webhooks/deliveries/" + id);
	}

	/** Waits until the delivery has this status, and returns it. */
	JsonNode awaitDeliveryStatus(TestTeam team, String id, String status, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			JsonNode delivery = delivery(team, id);
			if (delivery.get("status").stringValue().equals(status)) {
				return delivery;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError(
						"delivery " + id + " is not " + status + " within " + timeout + ": " + delivery);
			}
			sleep(50);
		}
	}

	JsonNode get(TestTeam team, String path) {
		return this.client.get()
			.uri(path)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	void expectGet(TestTeam team, String path, int status) {
		this.client.get().uri(path).header("Authorization", team.bearer()).exchange().expectStatus().isEqualTo(status);
	}

	static List<JsonNode> list(JsonNode array) {
		List<JsonNode> items = new java.util.ArrayList<>();
		array.forEach(items::add);
		return items;
	}

	WebTestClient.ResponseSpec post(TestTeam team, String path, String body) {
		WebTestClient.RequestBodySpec request = this.client.post().uri(path).header("Authorization", team.bearer());
		return (body != null) ? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
				: request.exchange();
	}

	/** Verifies a received request with the independent Standard Webhooks library. */
	static void verify(String secret, Received received) throws Exception {
		new Webhook(secret).verify(received.bodyText(), received.headers());
	}

	/** The same request with only one of its signatures. */
	static Map<String, List<String>> withSignature(Received received, String signature) {
		return Map.of("webhook-id", List.of(received.header("webhook-id")), "webhook-timestamp",
				List.of(received.header("webhook-timestamp")), "webhook-signature", List.of(signature));
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
