package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.job.JobLifecycle.DispatchTicket;
import io.genjobs.gateway.job.JobLifecycle.LeaseCheck;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claiming SQL, driven directly: the global in-flight cap, fairness between teams,
 * leases (renewed and confirmed by the database's clock) and the settling of orphaned
 * submits. Forwarding is off, and the class has a schema of its own, so these claims see
 * only the jobs it creates.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_claims",
		"spring.flyway.schemas=gateway_claims", "spring.datasource.hikari.maximum-pool-size=5" })
@DirtiesContext
class JobLifecycleTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@BeforeEach
	void emptyQueue() {
		this.jdbc.update("update jobs set status = 'cancelled', lease_owner = null where status <> 'cancelled'");
	}

	@Test
	void shouldNeverClaimPastTheInFlightCap() {
		TestTeam team = this.teams.create();
		List<UUID> ids = create(team, 10);
		List<DispatchTicket> first = this.lifecycle.claimForDispatch("a", 100, 3, Duration.ofMinutes(1));
		assertThat(first).hasSize(3);
		assertThat(this.lifecycle.claimForDispatch("b", 100, 3, Duration.ofMinutes(1))).isEmpty();

		// One of them reaches RunComfy and finishes: one slot frees up.
		UUID done = first.get(0).jobId();
		assertThat(this.lifecycle.markSubmitted(done, "a", "req-1", Duration.ofSeconds(1)))
			.isEqualTo(new SubmitResult.Recorded());
		assertThat(this.lifecycle.claimForDispatch("b", 100, 3, Duration.ofMinutes(1))).isEmpty();
		this.lifecycle.succeed(done, "{\"video\": \"v\"}");
		assertThat(this.lifecycle.claimForDispatch("b", 100, 3, Duration.ofMinutes(1))).hasSize(1);
		assertThat(ids).containsAll(first.stream().map(DispatchTicket::jobId).toList());
	}

	@Test
	void shouldInterleaveTeamsSoThatABigQueueCannotHoldBackASmallOne() {
		TestTeam busy = this.teams.create();
		TestTeam small = this.teams.create();
		create(busy, 8);
		List<UUID> smallJobs = create(small, 2);
		List<DispatchTicket> claimed = this.lifecycle.claimForDispatch("a", 4, 100, Duration.ofMinutes(1));
		assertThat(claimed).hasSize(4);
		assertThat(claimed).extracting(DispatchTicket::jobId).containsAll(smallJobs);
		assertThat(claimed).filteredOn((t) -> t.teamId().equals(busy.id())).hasSize(2);
	}

	@Test
	void shouldFailAnOrphanedSubmitOrRequeueItWhenResendingIsAllowed() {
		TestTeam team = this.teams.create();
		List<UUID> ids = create(team, 2);
		List<DispatchTicket> claimed = this.lifecycle.claimForDispatch("dead", 100, 100, Duration.ofMillis(1));
		assertThat(claimed).hasSize(2);
		TestJobs.sleep(20);

		assertThat(this.lifecycle.resolveOrphanedSubmits(1, false)).isEqualTo(1);
		assertThat(this.lifecycle.resolveOrphanedSubmits(1, true)).isEqualTo(1);
		List<String> outcomes = new ArrayList<>();
		for (UUID id : ids) {
			outcomes.add(this.jdbc.queryForObject(
					"select status || ':' || coalesce(error_code, '') || ':' || coalesce(lease_owner, '') from jobs where id = ?",
					String.class, id));
		}
		assertThat(outcomes).containsExactlyInAnyOrder("failed:submit_outcome_unknown:", "queued::");
		// The requeued job can be claimed again, by a live instance.
		assertThat(this.lifecycle.claimForDispatch("alive", 100, 100, Duration.ofMinutes(1))).hasSize(1);
	}

	@Test
	void shouldNotTouchALeaseThatHasNotExpired() {
		TestTeam team = this.teams.create();
		create(team, 1);
		this.lifecycle.claimForDispatch("busy-instance", 100, 100, Duration.ofMinutes(5));
		assertThat(this.lifecycle.resolveOrphanedSubmits(10, false)).isZero();
		assertThat(this.lifecycle.claimForDispatch("other", 100, 100, Duration.ofMinutes(5))).isEmpty();
	}

	@Test
	void shouldHandBackClaimedJobsThatWereNeverSent() {
		TestTeam team = this.teams.create();
		create(team, 2);
		List<DispatchTicket> claimed = this.lifecycle.claimForDispatch("stopping", 100, 100, Duration.ofMinutes(5));
		this.lifecycle.release("stopping", claimed.stream().map(DispatchTicket::jobId).toList(), List.of());
		assertThat(this.lifecycle.claimForDispatch("other", 100, 100, Duration.ofMinutes(5))).hasSize(2);
	}

	@Test
	void shouldNotCountAClaimHandedBackUnsentAsASubmitAttempt() {
		TestTeam team = this.teams.create();
		UUID id = create(team, 1).get(0);
		assertThat(this.lifecycle.claimForDispatch("a", 100, 100, Duration.ofMinutes(5))).singleElement()
			.extracting(DispatchTicket::attempt)
			.isEqualTo(1);
		this.lifecycle.handBackUnsent(id, "a", Instant.now());
		assertThat(attempts(id)).isZero();

		// Sent and refused (a 5xx): that one counts.
		assertThat(this.lifecycle.claimForDispatch("b", 100, 100, Duration.ofMinutes(5))).singleElement()
			.extracting(DispatchTicket::attempt)
			.isEqualTo(1);
		this.lifecycle.retryLater(id, "b", Instant.now());
		assertThat(attempts(id)).isEqualTo(1);

		// Handed back on shutdown before it was sent: it does not.
		assertThat(this.lifecycle.claimForDispatch("c", 100, 100, Duration.ofMinutes(5))).singleElement()
			.extracting(DispatchTicket::attempt)
			.isEqualTo(2);
		this.lifecycle.release("c", List.of(id), List.of());
		assertThat(attempts(id)).isEqualTo(1);
	}

	@Test
	void shouldRenewOnlyTheLeasesItsHolderStillHoldsByTheDatabaseClock() {
		TestTeam team = this.teams.create();
		List<UUID> ids = create(team, 3);
		List<UUID> held = this.lifecycle.claimForDispatch("a", 2, 100, Duration.ofMinutes(1))
			.stream()
			.map(DispatchTicket::jobId)
			.toList();
		assertThat(held).hasSize(2);
		assertThat(leaseLeft(held.get(0))).isBetween(55.0, 60.0);

		assertThat(this.lifecycle.renewLeases("a", ids, Duration.ofMinutes(10)))
			.containsExactlyInAnyOrderElementsOf(held);
		assertThat(leaseLeft(held.get(0))).isBetween(595.0, 600.0);
		assertThat(leaseLeft(held.get(1))).isBetween(595.0, 600.0);
		assertThat(this.lifecycle.renewLeases("b", ids, Duration.ofMinutes(10))).isEmpty();
	}

	@Test
	void shouldConfirmALeaseToItsHolderOnlyAndSayWhenItsClientAskedForACancel() {
		TestTeam team = this.teams.create();
		UUID id = create(team, 1).get(0);
		this.lifecycle.claimForDispatch("a", 100, 100, Duration.ofSeconds(5));

		assertThat(this.lifecycle.confirmLease(id, "b", Duration.ofMinutes(2))).isEqualTo(LeaseCheck.LOST);
		assertThat(this.lifecycle.confirmLease(id, "a", Duration.ofMinutes(2))).isEqualTo(LeaseCheck.OWNED);
		assertThat(leaseLeft(id)).isBetween(115.0, 120.0);

		this.client.post()
			.uri("/jobs/" + id + "/cancel")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isAccepted();
		assertThat(this.lifecycle.confirmLease(id, "a", Duration.ofMinutes(2))).isEqualTo(LeaseCheck.CANCEL_REQUESTED);
		this.lifecycle.handBackUnsent(id, "a", Instant.now());
		assertThat(this.jdbc.queryForObject("select status from jobs where id = ?", String.class, id))
			.isEqualTo("cancelled");
		assertThat(this.lifecycle.confirmLease(id, "a", Duration.ofMinutes(2))).isEqualTo(LeaseCheck.LOST);
	}

	@Test
	void shouldNotConfirmALeaseThatRanOutAndWasSettled() {
		TestTeam team = this.teams.create();
		UUID id = create(team, 1).get(0);
		this.lifecycle.claimForDispatch("slow", 100, 100, Duration.ofMillis(1));
		TestJobs.sleep(20);
		assertThat(this.lifecycle.resolveOrphanedSubmits(10, true)).isEqualTo(1);

		assertThat(this.lifecycle.confirmLease(id, "slow", Duration.ofMinutes(2))).isEqualTo(LeaseCheck.LOST);
		assertThat(this.lifecycle.renewLeases("slow", List.of(id), Duration.ofMinutes(2))).isEmpty();
	}

	/** Seconds until the job's lease runs out, by the database's clock. */
	private double leaseLeft(UUID id) {
		return this.jdbc.queryForObject(
				"select extract(epoch from lease_expires_at - now())::float8 from jobs where id = ?", Double.class, id);
	}

	private int attempts(UUID id) {
		return this.jdbc.queryForObject("select attempts from jobs where id = ?", Integer.class, id);
	}

	private List<UUID> create(TestTeam team, int count) {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(UUID.fromString(TestJobs.create(this.client, team, "claim " + i)));
		}
		return ids;
	}

}
