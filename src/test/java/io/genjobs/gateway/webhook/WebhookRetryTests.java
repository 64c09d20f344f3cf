package io.genjobs.gateway.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import io.genjobs.gateway.job.FailureCode;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.TestWebhookConsumer.Answer;
import io.genjobs.gateway.support.TestWebhookConsumer.Inbox;
import io.genjobs.gateway.support.TestWebhookConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries on a short schedule: four attempts 100 ms apart. */
@WebhookIntegrationTest
class WebhookRetryTests {

	private static final Duration SOON = Duration.ofSeconds(5);

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	JobLifecycle lifecycle;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void aConsumerFailingTwiceGetsTheEventOnTheThirdAttemptWithTheSameIdAndFreshSignatures() throws Exception {
		Inbox inbox = TestWebhookConsumer.inbox().answering(500, 503, 200);
		String deliveryId = failJobSendingTo(inbox);

		JsonNode delivered = this.support.awaitDeliveryStatus(this.team, deliveryId, "delivered", SOON);
		assertThat(
				WebhookTestSupport.list(delivered.get("attempts")).stream().map((a) -> a.get("status_code").intValue()))
			.containsExactly(500, 503, 200);
		assertThat(delivered.get("attempts").get(0).get("error").stringValue()).isEqualTo("answered 500");
		List<Received> received = inbox.received();
		assertThat(received).hasSize(3);
		String secret = this.support.teamSecret(this.team);
		for (Received each : received) {
			WebhookTestSupport.verify(secret, each);
			assertThat(each.header("webhook-id")).isEqualTo(received.get(0).header("webhook-id"));
			assertThat(each.body()).isEqualTo(received.get(0).body());
		}
	}

	@Test
	void aConsumerThatNeverSucceedsEndsFailedAndAManualRetryDeliversItOnceItHeals() throws Exception {
		Inbox inbox = TestWebhookConsumer.inbox().answering(500);
		String deliveryId = failJobSendingTo(inbox);

		JsonNode failed = this.support.awaitDeliveryStatus(this.team, deliveryId, "failed", SOON);
		assertThat(failed.get("attempts")).hasSize(4);
		assertThat(failed.get("next_attempt_at").isNull()).isTrue();
		WebhookTestSupport.sleep(300);
		assertThat(inbox.received()).hasSize(4);
		this.support.expectGet(this.team, "/webhooks/deliveries?status=failed", 200);
		assertThat(
				WebhookTestSupport.list(this.support.get(this.team, "/webhooks/deliveries?status=failed").get("data"))
					.stream()
					.map((d) -> d.get("id").stringValue()))
			.containsExactly(deliveryId);

		inbox.answering(200);
		this.support.post(this.team, "/webhooks/deliveries/" + deliveryId + "/retry", null).expectStatus().isAccepted();

		JsonNode delivered = this.support.awaitDeliveryStatus(this.team, deliveryId, "delivered", SOON);
		assertThat(delivered.get("attempts")).hasSize(5);
		List<Received> received = inbox.await(5, SOON);
		Received retried = received.get(4);
		WebhookTestSupport.verify(this.support.teamSecret(this.team), retried);
		assertThat(retried.header("webhook-id")).isEqualTo(received.get(0).header("webhook-id"));
		assertThat(Long.parseLong(retried.header("webhook-timestamp")))
			.isGreaterThanOrEqualTo(Long.parseLong(received.get(0).header("webhook-timestamp")));

		// Delivered is final: nothing to retry.
		this.support.post(this.team, "/webhooks/deliveries/" + deliveryId + "/retry", null)
			.expectStatus()
			.isEqualTo(409);
	}

	@Test
	void aManualRetryOfAFailedDeliveryMakesOneAttemptOnly() {
		Inbox inbox = TestWebhookConsumer.inbox().answering(500);
		String deliveryId = failJobSendingTo(inbox);
		this.support.awaitDeliveryStatus(this.team, deliveryId, "failed", SOON);

		this.support.post(this.team, "/webhooks/deliveries/" + deliveryId + "/retry", null).expectStatus().isAccepted();

		inbox.await(5, SOON);
		JsonNode failed = this.support.awaitDeliveryStatus(this.team, deliveryId, "failed", SOON);
		assertThat(failed.get("attempts")).hasSize(5);
		WebhookTestSupport.sleep(400);
		assertThat(inbox.received()).hasSize(5);
	}

	@Test
	void redirectsAreFailedAttemptsAndNotFollowed() {
		Inbox target = TestWebhookConsumer.inbox();
		Inbox redirecting = TestWebhookConsumer.inbox()
			.answering(List.of(new Answer(307, Map.of("Location", target.url())), Answer.of(204)));
		String deliveryId = failJobSendingTo(redirecting);

		JsonNode delivered = this.support.awaitDeliveryStatus(this.team, deliveryId, "delivered", SOON);
		JsonNode first = delivered.get("attempts").get(0);
		assertThat(first.get("status_code").intValue()).isEqualTo(307);
		assertThat(first.get("error").stringValue()).contains("redirects are not followed");
		assertThat(target.received()).isEmpty();
	}

	@Test
	void aRetryAfterLongerThanTheScheduleIsHonoured() {
		Inbox inbox = TestWebhookConsumer.inbox()
			.answering(List.of(new Answer(429, Map.of("Retry-After", "1")), Answer.of(204)));
		String deliveryId = failJobSendingTo(inbox);

		this.support.awaitDeliveryStatus(this.team, deliveryId, "delivered", SOON);
		List<Received> received = inbox.received();
		assertThat(received).hasSize(2);
		assertThat(Duration.between(received.get(0).at(), received.get(1).at()))
			.isGreaterThanOrEqualTo(Duration.ofMillis(950));
	}

	/** A job that fails at once, sent to the inbox; its one delivery's id. */
	private String failJobSendingTo(Inbox inbox) {
		UUID jobId = this.support.createJob(this.team, inbox.url());
		this.lifecycle.fail(jobId, FailureCode.UPSTREAM_FAILED.because("failed by the test at " + Instant.now()));
		return this.support.deliveries(this.team, jobId).get(0).get("id").stringValue();
	}

}
