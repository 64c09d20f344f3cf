package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's statements make only the moves the state machine allows: a statement whose
 * move starts from another state changes nothing.
 */
@WebhookIntegrationTest
class DeliveryQueueTests {

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	DeliveryQueue queue;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void aLateAttemptCannotRecordOverADeliveryDroppedWithItsEndpoint() {
		TestTeam team = this.teams.create();
		UUID endpointId = UUID
			.fromString(this.support.createEndpoint(team, TestWebhookConsumer.inbox().url(), "job.failed")
				.get("id")
				.stringValue());
		UUID token = UUID.randomUUID();
		// Claimed by a worker whose lease ran out mid-attempt.
		UUID deliveryId = insertClaimed(team, endpointId, token, Instant.now().minusSeconds(1));
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

		this.transaction.executeWithoutResult((status) -> this.queue.dropPendingOf(endpointId, now));
		assertThat(status(deliveryId)).isEqualTo("failed");

		// The late worker still names its claim: neither a success nor a retry is
		// recorded over the failed delivery, and nothing hands it back.
		Boolean delivered = this.transaction
			.execute((status) -> this.queue.finish(deliveryId, token, DeliveryMove.DELIVER, now.plusSeconds(1)));
		Boolean rescheduled = this.transaction
			.execute((status) -> this.queue.reschedule(deliveryId, token, now.plusSeconds(60)));
		assertThat(delivered).isFalse();
		assertThat(rescheduled).isFalse();
		this.transaction.executeWithoutResult((status) -> this.queue.release(deliveryId, token, now));
		assertThat(status(deliveryId)).isEqualTo("failed");
		assertThat(this.jdbc.queryForObject("select attempt_count from webhook_deliveries where id = ?", Integer.class,
				deliveryId))
			.isEqualTo(1);
	}

	@Test
	void aManualRetryMakesOnlyTheMoveItWasDecidedFor() {
		TestTeam team = this.teams.create();
		UUID endpointId = UUID
			.fromString(this.support.createEndpoint(team, TestWebhookConsumer.inbox().url(), "job.failed")
				.get("id")
				.stringValue());
		UUID deliveryId = insertClaimed(team, endpointId, UUID.randomUUID(), Instant.now().plusSeconds(60));
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

		// Pending: the failed delivery's move changes nothing.
		this.transaction
			.executeWithoutResult((status) -> this.queue.retryByHand(deliveryId, DeliveryMove.RETRY_FAILED, now));
		assertThat(status(deliveryId)).isEqualTo("pending");
		assertThat(this.jdbc.queryForObject("select lease_token is not null from webhook_deliveries where id = ?",
				Boolean.class, deliveryId))
			.isTrue();
	}

	/**
	 * A delivery claimed by a worker of another instance, not due again for an hour (so
	 * this context's worker leaves it alone).
	 */
	private UUID insertClaimed(TestTeam team, UUID endpointId, UUID token, Instant leaseExpiresAt) {
		UUID jobId = this.support.createJob(team, null);
		String eventId = WebhookSigner.newMessageId();
		this.jdbc.update("insert into webhook_events (id, team_id, job_id, type, sequence, payload, created_at)"
				+ " values (?, ?, ?, 'job.failed', 2, '\\x7b7d'::bytea, now())", eventId, team.id(), jobId);
		UUID id = UUID.randomUUID();
		this.jdbc.update(
				"""
						insert into webhook_deliveries (id, event_id, team_id, job_id, event_type, endpoint_id, url, target_host,
						    status, attempt_count, attempts_allowed, next_attempt_at, lease_token, lease_expires_at, created_at)
						values (?, ?, ?, ?, 'job.failed', ?, 'http://late.invalid/hook', 'late.invalid:80', 'pending', 1, 4,
						    now() + interval '1 hour', ?, ?, now())
						""",
				id, eventId, team.id(), jobId, endpointId, token, Timestamp.from(leaseExpiresAt));
		return id;
	}

	private String status(UUID deliveryId) {
		return this.jdbc.queryForObject("select status from webhook_deliveries where id = ?", String.class, deliveryId);
	}

}
