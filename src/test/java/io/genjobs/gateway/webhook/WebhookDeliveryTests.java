package io.genjobs.gateway.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.job.FailureCode;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.TestWebhookConsumer.Inbox;
import io.genjobs.gateway.support.TestWebhookConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real deliveries to consumers on loopback, each verified with the independent Standard
 * Webhooks library.
 */
@WebhookIntegrationTest
class WebhookDeliveryTests {

	private static final Duration SOON = Duration.ofSeconds(5);

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	WebhookRetention retention;

	@Autowired
	DeliveryQueue queue;

	@Autowired
	DeliveryAttempts attempts;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	WebhookSettings settings;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void aSucceededJobReachesItsWebhookUrlAndASubscribedEndpointSignedAndVerifiable() throws Exception {
		Inbox jobInbox = TestWebhookConsumer.inbox();
		Inbox endpointInbox = TestWebhookConsumer.inbox();
		JsonNode endpoint = this.support.createEndpoint(this.team, endpointInbox.url(), "job.succeeded");
		UUID jobId = this.support.createJob(this.team, jobInbox.url());

		this.support.succeed(jobId);

		Received toJob = jobInbox.await(1, SOON).get(0);
		Received toEndpoint = endpointInbox.await(1, SOON).get(0);
		WebhookTestSupport.verify(this.support.teamSecret(this.team), toJob);
		WebhookTestSupport.verify(endpoint.get("secret").stringValue(), toEndpoint);
		// Each target verifies only with its own secret.
		assertThatThrownBy(() -> WebhookTestSupport.verify(endpoint.get("secret").stringValue(), toJob))
			.hasMessageContaining("No matching signature");

		// One event, two deliveries: the same webhook-id and the very same bytes.
		assertThat(toJob.header("webhook-id")).matches("msg_[0-9A-Za-z]{24}")
			.isEqualTo(toEndpoint.header("webhook-id"));
		assertThat(toJob.body()).isEqualTo(toEndpoint.body());
		assertThat(toJob.header("Content-Type")).isEqualTo("application/json");
		assertThat(Long.parseLong(toJob.header("webhook-timestamp"))).isBetween(Instant.now().getEpochSecond() - 30,
				Instant.now().getEpochSecond() + 1);

		JsonNode payload = this.json.readTree(toJob.body());
		assertThat(payload.get("type").stringValue()).isEqualTo("job.succeeded");
		assertThat(payload.get("timestamp").stringValue()).isNotBlank();
		JsonNode data = payload.get("data");
		assertThat(data.get("id").stringValue()).isEqualTo(jobId.toString());
		assertThat(data.get("status").stringValue()).isEqualTo("succeeded");
		// queued 1, submitted 2, running 3, succeeded 4
		assertThat(data.get("sequence").intValue()).isEqualTo(4);
		assertThat(data.get("output").get("videos").get(0).stringValue()).isEqualTo("https://cdn.example/v.mp4");
		assertThat(data.get("webhook_url").stringValue()).isEqualTo(jobInbox.url());

		// Only the terminal event reached the job's URL (its default filter): nothing
		// more
		// arrives.
		WebhookTestSupport.sleep(300);
		assertThat(jobInbox.received()).hasSize(1);
		assertThat(endpointInbox.received()).hasSize(1);

		JsonNode deliveries = this.support.deliveries(this.team, jobId);
		assertThat(deliveries).hasSize(2);
		for (JsonNode delivery : deliveries) {
			JsonNode delivered = this.support.awaitDeliveryStatus(this.team, delivery.get("id").stringValue(),
					"delivered", SOON);
			assertThat(delivered.get("event_id").stringValue()).isEqualTo(toJob.header("webhook-id"));
			assertThat(delivered.get("event_type").stringValue()).isEqualTo("job.succeeded");
			assertThat(delivered.get("job_id").stringValue()).isEqualTo(jobId.toString());
			assertThat(delivered.get("next_attempt_at").isNull()).isTrue();
			assertThat(delivered.get("attempts")).hasSize(1);
			assertThat(delivered.get("attempts").get(0).get("status_code").intValue()).isEqualTo(204);
			assertThat(delivered.get("attempts").get(0).get("error").isNull()).isTrue();
			assertThat(delivered.get("attempts").get(0).get("at").stringValue()).isNotBlank();
		}
		assertThat(WebhookTestSupport.list(deliveries).stream().map((d) -> d.get("url").stringValue()))
			.containsExactlyInAnyOrder(jobInbox.url(), endpointInbox.url());
		assertThat(WebhookTestSupport.list(deliveries).stream().map((d) -> d.get("endpoint_id").toString()))
			.containsExactlyInAnyOrder("null", "\"" + endpoint.get("id").stringValue() + "\"");
	}

	@Test
	void jobAndEndpointEventFiltersDecideWhatIsSent() {
		Inbox jobInbox = TestWebhookConsumer.inbox();
		Inbox submittedOnly = TestWebhookConsumer.inbox();
		Inbox cancelledOnly = TestWebhookConsumer.inbox();
		Inbox everything = TestWebhookConsumer.inbox();
		this.support.createEndpoint(this.team, submittedOnly.url(), "job.submitted");
		this.support.createEndpoint(this.team, cancelledOnly.url(), "job.cancelled");
		this.support.createEndpoint(this.team, everything.url());
		UUID jobId = this.support.createJob(this.team, jobInbox.url(), "job.running", "job.failed");

		this.support.succeed(jobId);

		// The outbox wrote its deliveries with each change, so they are all there now.
		List<String> sent = WebhookTestSupport.list(this.support.deliveries(this.team, jobId))
			.stream()
			.map((d) -> d.get("event_type").stringValue() + " -> " + d.get("url").stringValue())
			.toList();
		assertThat(sent).containsExactlyInAnyOrder("job.running -> " + jobInbox.url(),
				"job.submitted -> " + submittedOnly.url(), "job.submitted -> " + everything.url(),
				"job.running -> " + everything.url(), "job.succeeded -> " + everything.url());
		assertThat(eventTypes(jobInbox.await(1, SOON))).containsExactly("job.running");
		assertThat(eventTypes(submittedOnly.await(1, SOON))).containsExactly("job.submitted");
		assertThat(eventTypes(everything.await(3, SOON))).containsExactlyInAnyOrder("job.submitted", "job.running",
				"job.succeeded");
		assertThat(cancelledOnly.received()).isEmpty();
	}

	@Test
	void aJobWithoutWebhookUrlOrEndpointsWritesNoEvent() {
		UUID jobId = this.support.createJob(this.team, null);
		this.support.succeed(jobId);
		assertThat(
				this.jdbc.queryForObject("select count(*) from webhook_events where job_id = ?", Integer.class, jobId))
			.isZero();
	}

	@Test
	void duringARotationBothSecretsSignAndEachVerifies() throws Exception {
		String old = this.support.teamSecret(this.team);
		JsonNode rotated = this.support.post(this.team, "/webhooks/secret/rotate", null)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String fresh = rotated.get("secret").stringValue();
		assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
		assertThat(Instant.parse(rotated.get("previous_secret_expires_at").stringValue()))
			.isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));
		assertThat(this.support.teamSecret(this.team)).isEqualTo(fresh);

		Inbox inbox = TestWebhookConsumer.inbox();
		UUID jobId = this.support.createJob(this.team, inbox.url(), "job.failed");
		this.lifecycle.fail(jobId, FailureCode.UPSTREAM_FAILED.because("failed by the test"));

		Received received = inbox.await(1, SOON).get(0);
		String[] signatures = received.header("webhook-signature").split(" ");
		assertThat(signatures).hasSize(2).allMatch((s) -> s.startsWith("v1,"));
		// The new secret's signature first, then the old one's; each verifies on its own.
		new Webhook(fresh).verify(received.bodyText(), WebhookTestSupport.withSignature(received, signatures[0]));
		new Webhook(old).verify(received.bodyText(), WebhookTestSupport.withSignature(received, signatures[1]));
		WebhookTestSupport.verify(old, received);
		WebhookTestSupport.verify(fresh, received);
		assertThatThrownBy(() -> new Webhook(old).verify(received.bodyText(),
				WebhookTestSupport.withSignature(received, signatures[0])))
			.hasMessageContaining("No matching signature");
	}

	@Test
	void afterTheGracePeriodOnlyTheNewSecretSigns() throws Exception {
		this.support.teamSecret(this.team);
		this.support.post(this.team, "/webhooks/secret/rotate", null).expectStatus().isOk();
		this.jdbc.update("update webhook_team_secrets set previous_expires_at = now() - interval '1 second'"
				+ " where team_id = ?", this.team.id());
		JsonNode secret = this.support.get(this.team, "/webhooks/secret");
		assertThat(secret.get("previous_secret_expires_at").isNull()).isTrue();

		Inbox inbox = TestWebhookConsumer.inbox();
		UUID jobId = this.support.createJob(this.team, inbox.url());
		this.lifecycle.cancelled(jobId, "cancelled by the test");
		Received received = inbox.await(1, SOON).get(0);
		assertThat(received.header("webhook-signature").split(" ")).hasSize(1);
		WebhookTestSupport.verify(secret.get("secret").stringValue(), received);
	}

	@Test
	void aTargetThatIsNotAllowListedIsRefusedAtRegistrationAndAtCallTimeWithoutConnecting() throws Exception {
		try (ServerSocket forbidden = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			AtomicInteger connections = countConnections(forbidden);
			String url = "http://127.0.0.1:" + forbidden.getLocalPort() + "/hook";

			this.support.post(this.team, "/webhooks/endpoints", "{\"url\": \"" + url + "\"}")
				.expectStatus()
				.isEqualTo(422)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("url")
				.jsonPath("$.errors[0].message")
				.value((String message) -> assertThat(message).contains("loopback").contains("not allow-listed"));

			// Stored past the registration check, as if the allow-list had changed since.
			UUID endpointId = UUID.randomUUID();
			this.jdbc.update(
					"insert into webhook_endpoints (id, team_id, url, events, secret, created_at)"
							+ " values (?, ?, ?, '[\"job.failed\"]'::jsonb, ?, now())",
					endpointId, this.team.id(), url, WebhookSigner.newSecret());
			UUID jobId = this.support.createJob(this.team, null);
			this.lifecycle.fail(jobId, FailureCode.UPSTREAM_FAILED.because("failed by the test"));

			String deliveryId = this.support.deliveries(this.team, jobId).get(0).get("id").stringValue();
			JsonNode failed = this.support.awaitDeliveryStatus(this.team, deliveryId, "failed", SOON);
			assertThat(failed.get("attempts")).hasSize(4);
			for (JsonNode attempt : failed.get("attempts")) {
				assertThat(attempt.get("status_code").isNull()).isTrue();
				assertThat(attempt.get("error").stringValue()).startsWith("refused by the outbound guard")
					.contains("not allow-listed");
			}
			assertThat(connections.get()).isZero();
		}
	}

	@Test
	void aConsumerThatNeverAnswersDoesNotDelayAHealthyOne() {
		Inbox dead = TestWebhookConsumer.inbox().hanging();
		Inbox healthy = TestWebhookConsumer.inbox();
		try {
			this.support.createEndpoint(this.team, dead.url(), "job.cancelled");
			UUID jobId = this.support.createJob(this.team, healthy.url());
			long start = System.nanoTime();
			this.lifecycle.cancelled(jobId, "cancelled by the test");

			healthy.await(1, Duration.ofSeconds(2));
			dead.await(1, Duration.ofSeconds(2));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			String healthyDelivery = WebhookTestSupport.list(this.support.deliveries(this.team, jobId))
				.stream()
				.filter((d) -> d.get("url").stringValue().equals(healthy.url()))
				.findFirst()
				.orElseThrow()
				.get("id")
				.stringValue();
			this.support.awaitDeliveryStatus(this.team, healthyDelivery, "delivered", Duration.ofSeconds(2));
			// The dead consumer still holds its request.
			assertThat(dead.received()).hasSize(1);
		}
		finally {
			dead.release();
		}
	}

	@Test
	void anEndpointAnswering410IsDisabledAndGetsNothingMore() {
		Inbox gone = TestWebhookConsumer.inbox().answering(410);
		JsonNode endpoint = this.support.createEndpoint(this.team, gone.url());
		String endpointId = endpoint.get("id").stringValue();
		UUID jobId = this.support.createJob(this.team, null);
		this.support.submit(jobId);

		gone.await(1, SOON);
		String deliveryId = this.support.deliveries(this.team, jobId).get(0).get("id").stringValue();
		JsonNode failed = this.support.awaitDeliveryStatus(this.team, deliveryId, "failed", SOON);
		assertThat(failed.get("attempts").get(0).get("status_code").intValue()).isEqualTo(410);
		JsonNode disabled = this.support.get(this.team, "/webhooks/endpoints/" + endpointId);
		assertThat(disabled.get("disabled_at").isNull()).isFalse();

		this.lifecycle.running(jobId, "in_progress", Instant.now().plusSeconds(3600));
		this.lifecycle.succeed(jobId, "{}");
		assertThat(this.support.deliveries(this.team, jobId)).hasSize(1);
		// Its failed delivery cannot be retried while it is disabled.
		this.support.post(this.team, "/webhooks/deliveries/" + deliveryId + "/retry", null)
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/delivery-not-retryable");
		WebhookTestSupport.sleep(300);
		assertThat(gone.received()).hasSize(1);
	}

	@Test
	void aDeliveryClaimedByAnInstanceThatDiedIsDeliveredOnceItsLeaseRunsOut() throws Exception {
		Inbox inbox = TestWebhookConsumer.inbox();
		UUID jobId = this.support.createJob(this.team, null);
		String orphaned = insertClaimedDelivery(jobId, inbox.url(), Instant.now().minusSeconds(1));
		String stillHeld = insertClaimedDelivery(jobId, inbox.url(), Instant.now().plusSeconds(60));

		Received received = inbox.await(1, SOON).get(0);
		assertThat(received.header("webhook-id")).isEqualTo(eventIdOf(orphaned));
		WebhookTestSupport.verify(this.support.teamSecret(this.team), received);
		JsonNode delivered = this.support.awaitDeliveryStatus(this.team, orphaned, "delivered", SOON);
		// The dead instance's claim counted as attempt 1; it recorded nothing.
		assertThat(delivered.get("attempts")).hasSize(1);
		assertThat(this.jdbc.queryForObject("select number from webhook_attempts where delivery_id = ?::uuid",
				Integer.class, orphaned))
			.isEqualTo(2);

		// A live claim is never taken over: no second attempt while another worker has
		// it.
		WebhookTestSupport.sleep(1500);
		assertThat(inbox.received()).hasSize(1);
		assertThat(this.support.delivery(this.team, stillHeld).get("status").stringValue()).isEqualTo("pending");
	}

	@Test
	void twoInstancesShareTheWorkAndNoAttemptIsSentTwice() {
		// A second instance's worker on the same database, beside this context's own.
		DeliveryWorker second = new DeliveryWorker(this.queue, this.attempts, this.transaction, this.settings,
				Clock.systemUTC());
		second.start();
		try {
			List<Inbox> inboxes = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				Inbox inbox = TestWebhookConsumer.inbox();
				this.support.createEndpoint(this.team, inbox.url(), "job.failed");
				inboxes.add(inbox);
			}
			UUID jobId = this.support.createJob(this.team, null);
			this.lifecycle.fail(jobId, FailureCode.UPSTREAM_FAILED.because("failed by the test"));

			for (Inbox inbox : inboxes) {
				inbox.await(1, SOON);
			}
			WebhookTestSupport.sleep(500);
			assertThat(inboxes).allSatisfy((inbox) -> assertThat(inbox.received()).hasSize(1));
			assertThat(WebhookTestSupport.list(this.support.deliveries(this.team, jobId))).hasSize(16)
				.allSatisfy((d) -> assertThat(d.get("attempts")).hasSize(1));
		}
		finally {
			second.stop();
		}
	}

	@Test
	void retentionDeletesOnlyFinishedDeliveriesAndEventsPastTheirAge() {
		UUID jobId = this.support.createJob(this.team, null);
		String oldDelivered = insertDelivery(jobId, "delivered", Duration.ofDays(40));
		String oldFailed = insertDelivery(jobId, "failed", Duration.ofDays(31));
		String oldPending = insertDelivery(jobId, "pending", Duration.ofDays(40));
		String recentDelivered = insertDelivery(jobId, "delivered", Duration.ofDays(2));
		this.jdbc.update("insert into webhook_attempts (delivery_id, number, attempted_at, status_code)"
				+ " values (?::uuid, 1, now() - interval '40 days', 200)", oldDelivered);
		List<String> events = List.of(eventIdOf(oldDelivered), eventIdOf(oldFailed), eventIdOf(oldPending),
				eventIdOf(recentDelivered));

		WebhookRetention.Pruned pruned = this.retention.prune();

		assertThat(pruned.deliveries()).isGreaterThanOrEqualTo(2);
		assertThat(existing("webhook_deliveries", oldDelivered, oldFailed, oldPending, recentDelivered))
			.containsExactlyInAnyOrder(oldPending, recentDelivered);
		assertThat(existing("webhook_events", events.toArray(String[]::new))).containsExactlyInAnyOrder(events.get(2),
				events.get(3));
		assertThat(this.jdbc.queryForObject("select count(*) from webhook_attempts where delivery_id = ?::uuid",
				Integer.class, oldDelivered))
			.isZero();
	}

	@Test
	void anotherTeamsDeliveriesAreNotFound() {
		Inbox inbox = TestWebhookConsumer.inbox();
		UUID jobId = this.support.createJob(this.team, inbox.url());
		this.lifecycle.fail(jobId, FailureCode.UPSTREAM_FAILED.because("failed by the test"));
		String deliveryId = this.support.deliveries(this.team, jobId).get(0).get("id").stringValue();
		TestTeam other = this.teams.create();

		this.support.expectGet(other, "/webhooks/deliveries/" + deliveryId, 404);
		assertThat(this.support.deliveries(other, jobId)).isEmpty();
		this.support.post(other, "/webhooks/deliveries/" + deliveryId + "/retry", null)
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/webhook-delivery-not-found");
	}

	@Test
	void theDeliveryLogPagesNewestFirstAndFiltersByStatus() {
		Inbox inbox = TestWebhookConsumer.inbox();
		this.support.createEndpoint(this.team, inbox.url());
		UUID jobId = this.support.createJob(this.team, null);
		this.support.succeed(jobId);
		inbox.await(3, SOON);

		JsonNode first = this.support.get(this.team, "/webhooks/deliveries?job_id=" + jobId + "&limit=2");
		assertThat(first.get("data")).hasSize(2);
		assertThat(first.get("data").get(0).get("event_type").stringValue()).isEqualTo("job.succeeded");
		JsonNode second = this.support.get(this.team,
				"/webhooks/deliveries?job_id=" + jobId + "&limit=2&cursor=" + first.get("next_cursor").stringValue());
		assertThat(second.get("data")).hasSize(1);
		assertThat(second.get("data").get(0).get("event_type").stringValue()).isEqualTo("job.submitted");
		assertThat(second.get("next_cursor").isNull()).isTrue();

		JsonNode failed = this.support.get(this.team, "/webhooks/deliveries?status=failed");
		assertThat(failed.get("data")).isEmpty();
		this.support.expectGet(this.team, "/webhooks/deliveries?status=sent", 400);
		this.support.expectGet(this.team, "/webhooks/deliveries?job_id=nope", 400);
		this.support.expectGet(this.team, "/webhooks/deliveries?limit=0", 400);
		this.support.expectGet(this.team, "/webhooks/deliveries?cursor=nope", 400);
	}

	private static List<String> eventTypes(List<Received> received) {
		JsonMapper mapper = JsonMapper.builder().build();
		return received.stream().map((r) -> mapper.readTree(r.body()).get("type").stringValue()).toList();
	}

	private static AtomicInteger countConnections(ServerSocket server) {
		AtomicInteger connections = new AtomicInteger();
		Thread.ofVirtual().start(() -> {
			while (!server.isClosed()) {
				try (Socket socket = server.accept()) {
					connections.incrementAndGet();
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		return connections;
	}

	/**
	 * An event and its delivery to {@code url}, claimed by an instance that is gone
	 * (attempt 1 under way when it died), its lease running out at
	 * {@code leaseExpiresAt}.
	 */
	private String insertClaimedDelivery(UUID jobId, String url, Instant leaseExpiresAt) {
		String eventId = WebhookSigner.newMessageId();
		byte[] payload = ("{\"type\":\"job.failed\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"id\":\"" + jobId
				+ "\"}}")
			.getBytes(StandardCharsets.UTF_8);
		this.jdbc.update("insert into webhook_events (id, team_id, job_id, type, sequence, payload, created_at)"
				+ " values (?, ?, ?, 'job.failed', 2, ?, now())", eventId, this.team.id(), jobId, payload);
		UUID id = UUID.randomUUID();
		this.jdbc.update("""
				insert into webhook_deliveries (id, event_id, team_id, job_id, event_type, url, target_host, status,
				    attempt_count, attempts_allowed, next_attempt_at, lease_token, lease_expires_at, created_at)
				values (?, ?, ?, ?, 'job.failed', ?, ?, 'pending', 1, 10, now() - interval '1 minute', ?, ?, now())
				""", id, eventId, this.team.id(), jobId, url, WebhookOutbox.hostOf(url), UUID.randomUUID(),
				java.sql.Timestamp.from(leaseExpiresAt));
		return id.toString();
	}

	/**
	 * A delivery of an event of its own, finished (or created, when pending) {@code age}
	 * ago.
	 */
	private String insertDelivery(UUID jobId, String status, Duration age) {
		String eventId = WebhookSigner.newMessageId();
		java.sql.Timestamp at = java.sql.Timestamp.from(Instant.now().minus(age));
		this.jdbc.update(
				"insert into webhook_events (id, team_id, job_id, type, sequence, payload, created_at)"
						+ " values (?, ?, ?, 'job.failed', 2, '\\x7b7d'::bytea, ?)",
				eventId, this.team.id(), jobId, at);
		UUID id = UUID.randomUUID();
		boolean pending = status.equals("pending");
		this.jdbc.update("""
				insert into webhook_deliveries (id, event_id, team_id, job_id, event_type, url, target_host, status,
				    attempt_count, attempts_allowed, next_attempt_at, created_at, finished_at)
				values (?, ?, ?, ?, 'job.failed', 'http://retention.invalid/hook', 'retention.invalid:80', ?, 1, 10,
				    ?, ?, ?)
				""", id, eventId, this.team.id(), jobId, status,
				pending ? java.sql.Timestamp.from(Instant.now().plus(Duration.ofDays(1))) : null, at,
				pending ? null : at);
		return id.toString();
	}

	private String eventIdOf(String deliveryId) {
		return this.jdbc.queryForObject("select event_id from webhook_deliveries where id = ?::uuid", String.class,
				deliveryId);
	}

	private List<String> existing(String table, String... ids) {
		return this.jdbc.queryForList("select id::text from " + table + " where id::text = any(?)", String.class,
				(Object) ids);
	}

}
