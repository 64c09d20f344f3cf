package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.TestWebhookConsumer.Inbox;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery slots are shared fairly: between teams (a team's deep backlog does not hold
 * back another team's few deliveries) and between consumer hosts (at most
 * {@code max-concurrent-per-host} attempts in flight to one host, all instances
 * together).
 */
@WebhookIntegrationTest
class FairDeliveryTests {

	private static final Duration SOON = Duration.ofSeconds(10);

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	DeliveryQueue queue;

	@Autowired
	DeliveryAttempts attempts;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	WebhookSettings settings;

	@Test
	void aTeamWithAFewDeliveriesIsNotHeldBackByAnotherTeamsBacklog() {
		TestTeam busy = this.teams.create();
		TestTeam small = this.teams.create();
		Inbox busyInbox = TestWebhookConsumer.inbox();
		Inbox smallInbox = TestWebhookConsumer.inbox();
		Instant now = Instant.now();
		// One transaction: the worker sees both backlogs at once, the big one older.
		String busyEvent = this.transaction.execute((status) -> {
			String event = insertDeliveries(busy, busyInbox.url(), 1000, now.minusSeconds(60));
			insertDeliveries(small, smallInbox.url(), 5, now.minusSeconds(1));
			return event;
		});
		try {
			smallInbox.await(5, SOON);
			// Both go to the same consumer host, 8 at a time: oldest first, the small
			// team's 5 would wait for all 1,000 of the other's.
			assertThat(busyInbox.received()).hasSizeLessThan(200);
		}
		finally {
			this.jdbc.update("delete from webhook_events where id = ?", busyEvent);
		}
	}

	@Test
	void teamsTakeTheSlotsOfAHostInTurnsAndAHostsShareIsCapped() {
		TestTeam first = this.teams.create();
		TestTeam second = this.teams.create();
		String host = "fair-" + UUID.randomUUID() + ".invalid";
		// Not due for the context's worker, only for the claims below ("later").
		Instant later = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
		this.transaction.executeWithoutResult((status) -> {
			insertDeliveries(first, "http://" + host + "/hook", 1000, later.minusSeconds(600));
			insertDeliveries(second, "http://" + host + "/hook", 5, later.minusSeconds(1));
		});
		List<DeliveryQueue.Claim> claims = claim(20, 10, later);
		try {
			List<DeliveryQueue.Claim> mine = ofTeams(claims, first, second);
			assertThat(mine).as("the host's share").hasSize(10);
			assertThat(mine).filteredOn((claim) -> claim.teamId().equals(second.id())).hasSize(5);
		}
		finally {
			releaseOthers(claims, first, second);
		}
	}

	@Test
	void aTeamWithAttemptsInFlightComesAfterTeamsWithFewer() {
		TestTeam busy = this.teams.create();
		TestTeam idle = this.teams.create();
		String host = "turns-" + UUID.randomUUID() + ".invalid";
		Instant later = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
		this.transaction.executeWithoutResult((status) -> {
			String inFlight = insertDeliveries(busy, "http://slow-" + host + "/hook", 6, later.minusSeconds(900));
			// Attempts under way (on any instance) when the claims below are made.
			this.jdbc.update(
					"update webhook_deliveries set lease_token = gen_random_uuid(), lease_expires_at = ?,"
							+ " attempt_count = 1 where event_id = ?",
					Timestamp.from(later.plusSeconds(3600)), inFlight);
			insertDeliveries(busy, "http://" + host + "/hook", 100, later.minusSeconds(600));
			insertDeliveries(idle, "http://" + host + "/hook", 5, later.minusSeconds(1));
		});
		List<DeliveryQueue.Claim> claims = new ArrayList<>();
		try {
			// The busy team has 6 attempts in flight: one claim after another, the idle
			// team's 5 go first, though the busy team's are older.
			List<UUID> order = new ArrayList<>();
			for (int i = 0; i < 30 && order.size() < 6; i++) {
				List<DeliveryQueue.Claim> next = claim(1, 8, later);
				claims.addAll(next);
				ofTeams(next, busy, idle).forEach((claim) -> order.add(claim.teamId()));
			}
			assertThat(order).containsExactly(idle.id(), idle.id(), idle.id(), idle.id(), idle.id(), busy.id());
		}
		finally {
			releaseOthers(claims, busy, idle);
		}
	}

	@Test
	void atMostMaxConcurrentPerHostAttemptsAreInFlightToOneHostAcrossInstances() {
		// A second instance's worker on the same database, beside this context's own.
		DeliveryWorker second = new DeliveryWorker(this.queue, this.attempts, this.transaction, this.settings,
				Clock.systemUTC());
		second.start();
		List<TestTeam> senders = List.of(this.teams.create(), this.teams.create(), this.teams.create());
		Inbox hanging = TestWebhookConsumer.inbox().hanging();
		List<String> events = new ArrayList<>();
		try {
			this.transaction.executeWithoutResult((status) -> senders
				.forEach((team) -> events.add(insertDeliveries(team, hanging.url(), 10, Instant.now()))));
			hanging.await(1, SOON);
			// Well within the attempt timeout (2 s): none of these requests has ended.
			WebhookTestSupport.sleep(700);
			int received = hanging.received().size();
			Integer inFlightToHost = this.jdbc.queryForObject(
					"""
							select count(*) from webhook_deliveries
							where target_host = ? and status = 'pending' and lease_token is not null and lease_expires_at > now()
							""",
					Integer.class, TestWebhookConsumer.hostPort());
			assertThat(received).isPositive().isLessThanOrEqualTo(this.settings.maxConcurrentPerHost());
			assertThat(inFlightToHost).isLessThanOrEqualTo(this.settings.maxConcurrentPerHost());
		}
		finally {
			hanging.release();
			second.stop();
			events.forEach((event) -> this.jdbc.update("delete from webhook_events where id = ?", event));
		}
	}

	/**
	 * {@code count} pending deliveries of one event to {@code url}, due from {@code due}
	 * on, a microsecond apart, in the caller's transaction; answers the event's id.
	 */
	private String insertDeliveries(TestTeam team, String url, int count, Instant due) {
		UUID jobId = this.support.createJob(team, null);
		String eventId = WebhookSigner.newMessageId();
		this.jdbc.update("insert into webhook_events (id, team_id, job_id, type, sequence, payload, created_at)"
				+ " values (?, ?, ?, 'job.failed', 2, '\\x7b7d'::bytea, now())", eventId, team.id(), jobId);
		this.jdbc.update("""
				insert into webhook_deliveries (id, event_id, team_id, job_id, event_type, url, target_host, status,
				    attempt_count, attempts_allowed, next_attempt_at, created_at)
				select gen_random_uuid(), ?, ?, ?, 'job.failed', ?, ?, 'pending', 0, 4,
				    cast(? as timestamptz) + i * interval '1 microsecond', now()
				from generate_series(1, ?) as i
				""", eventId, team.id(), jobId, url, WebhookOutbox.hostOf(url), Timestamp.from(due), count);
		return eventId;
	}

	private List<DeliveryQueue.Claim> claim(int limit, int perHost, Instant now) {
		return this.transaction.execute((status) -> this.queue.claim(limit, perHost, Duration.ofMinutes(1), now));
	}

	private static List<DeliveryQueue.Claim> ofTeams(List<DeliveryQueue.Claim> claims, TestTeam... teams) {
		List<UUID> ids = java.util.Arrays.stream(teams).map(TestTeam::id).toList();
		return claims.stream().filter((claim) -> ids.contains(claim.teamId())).toList();
	}

	/**
	 * Hands back, unattempted, what the test's claims (made "later") took of other tests'
	 * deliveries, and deletes the test's own.
	 */
	private void releaseOthers(List<DeliveryQueue.Claim> claims, TestTeam... teams) {
		List<UUID> ids = java.util.Arrays.stream(teams).map(TestTeam::id).toList();
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		for (DeliveryQueue.Claim claim : claims) {
			if (!ids.contains(claim.teamId())) {
				this.transaction
					.executeWithoutResult((status) -> this.queue.release(claim.deliveryId(), claim.token(), now));
			}
		}
		for (UUID id : ids) {
			this.jdbc.update("delete from webhook_events where team_id = ?", id);
		}
	}

}
