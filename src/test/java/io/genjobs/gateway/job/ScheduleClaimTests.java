package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.job.JobLifecycle.DispatchTicket;
import io.genjobs.gateway.job.JobLifecycle.LeaseCheck;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Priorities and deadlines in the dispatch claim, driven directly (forwarding is off, the
 * class has a schema of its own): a team's higher-priority jobs go first, the turns
 * between teams stay as fair as without priorities, no job past its deadline is claimed
 * or sent, and instances acting on passed deadlines side by side each take their own.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_priority_claims",
		"spring.flyway.schemas=gateway_priority_claims", "spring.datasource.hikari.maximum-pool-size=5" })
@DirtiesContext
class ScheduleClaimTests {

	private static final Duration LEASE = Duration.ofMinutes(1);

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	JobDeadlines deadlines;

	@BeforeEach
	void emptyQueue() {
		this.jdbc.update("update jobs set status = 'cancelled', lease_owner = null where status <> 'cancelled'");
	}

	@Test
	void shouldSendATeamsHighJobsBeforeItsEarlierNormalAndLowOnes() {
		TestTeam team = this.teams.create();
		UUID low = create(team, "low", null);
		UUID normal = create(team, "normal", null);
		UUID unsaid = create(team, null, null);
		UUID high1 = create(team, "high", null);
		UUID high2 = create(team, "high", null);

		List<UUID> order = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			// One at a time, so that the order of claims is the order of sends.
			order.add(this.lifecycle.claimForDispatch("a", 1, 100, LEASE).get(0).jobId());
		}
		assertThat(order).containsExactly(high1, high2, normal, unsaid, low);
	}

	@Test
	void shouldKeepTheTurnsBetweenTeamsWhateverOneTeamsPriorities() {
		TestTeam flood = this.teams.create();
		TestTeam other = this.teams.create();
		for (int i = 0; i < 8; i++) {
			create(flood, "high", null);
		}
		List<UUID> otherJobs = List.of(create(other, "normal", null), create(other, "low", null));

		// Four slots: the two teams take turns, as they do without priorities.
		List<DispatchTicket> claimed = this.lifecycle.claimForDispatch("a", 4, 100, LEASE);
		assertThat(claimed).hasSize(4);
		assertThat(claimed).extracting(DispatchTicket::jobId).containsAll(otherJobs);
		assertThat(claimed).filteredOn((t) -> t.teamId().equals(flood.id())).hasSize(2);
	}

	@Test
	void shouldNotStarveAnotherTeamOneSlotAtATime() {
		TestTeam flood = this.teams.create();
		TestTeam other = this.teams.create();
		for (int i = 0; i < 6; i++) {
			create(flood, "high", null);
		}
		create(other, "normal", null);
		create(other, "normal", null);
		List<UUID> teamsInOrder = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			teamsInOrder.add(this.lifecycle.claimForDispatch("a", 1, 100, LEASE).get(0).teamId());
		}
		// The team with fewer jobs in flight goes next: turns alternate.
		assertThat(teamsInOrder).filteredOn(other.id()::equals).hasSize(2);
		assertThat(teamsInOrder).filteredOn(flood.id()::equals).hasSize(2);
		for (int i = 1; i < teamsInOrder.size(); i++) {
			assertThat(teamsInOrder.get(i)).as("claim %d", i).isNotEqualTo(teamsInOrder.get(i - 1));
		}
	}

	@Test
	void shouldNeverClaimAJobPastItsDeadline() {
		TestTeam team = this.teams.create();
		UUID late = create(team, "high", Instant.now().plusSeconds(3600));
		UUID onTime = create(team, "low", null);
		this.jdbc.update("update jobs set deadline = now() - interval '1 second' where id = ?", late);

		assertThat(this.lifecycle.claimForDispatch("a", 10, 100, LEASE)).extracting(DispatchTicket::jobId)
			.containsExactly(onTime);
	}

	@Test
	void shouldNotLetASubmitLeaveOnceTheDeadlinePassedAndCancelTheJobOnHandBack() {
		TestTeam team = this.teams.create();
		UUID id = create(team, null, Instant.now().plusSeconds(3600));
		assertThat(this.lifecycle.claimForDispatch("a", 10, 100, LEASE)).hasSize(1);
		assertThat(this.lifecycle.confirmLease(id, "a", LEASE)).isEqualTo(LeaseCheck.OWNED);

		// The deadline passes while the claim waits (for a token, say).
		this.jdbc.update("update jobs set deadline = now() - interval '1 second' where id = ?", id);
		assertThat(this.lifecycle.confirmLease(id, "a", LEASE)).isEqualTo(LeaseCheck.CANCEL_REQUESTED);
		this.lifecycle.handBackUnsent(id, "a", Instant.now());
		assertThat(
				this.jdbc.queryForObject("select status || ':' || error_code from jobs where id = ?", String.class, id))
			.isEqualTo("cancelled:deadline_exceeded");
	}

	@Test
	void shouldCancelEachQueuedJobPastItsDeadlineOnceWhenTwoInstancesLookAtOnce() throws Exception {
		TestTeam team = this.teams.create();
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			ids.add(create(team, null, Instant.now().plusSeconds(3600)));
		}
		this.jdbc.update("update jobs set deadline = now() - interval '1 second', deadline_due_at = now()"
				+ " - interval '1 second' where team_id = ?", team.id());

		// Two loops (as on two instances) claim batches side by side.
		int total;
		try (ExecutorService instances = Executors.newFixedThreadPool(2)) {
			Callable<Integer> drain = () -> {
				int handled = 0;
				for (int n; (n = this.deadlines.handleDue()) > 0;) {
					handled += n;
				}
				return handled;
			};
			Future<Integer> a = instances.submit(drain);
			Future<Integer> b = instances.submit(drain);
			total = a.get() + b.get();
		}
		assertThat(total).isEqualTo(ids.size());
		for (UUID id : ids) {
			assertThat(this.jdbc.queryForList(
					"select to_status || ':' || reason from job_transitions where job_id = ?" + " order by sequence",
					String.class, id))
				.containsExactly("queued:accepted", "cancelled:deadline_exceeded");
		}
		assertThat(this.deadlines.handleDue()).isZero();
	}

	private UUID create(TestTeam team, String priority, Instant deadline) {
		StringBuilder more = new StringBuilder();
		if (priority != null) {
			more.append(", \"priority\": \"").append(priority).append('"');
		}
		if (deadline != null) {
			more.append(", \"deadline\": \"").append(deadline).append('"');
		}
		byte[] body = this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"input": {"prompt": "priority", "image_urls": ["%s"]}%s}
					""".formatted(TestImageServer.png(400, 400), more))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return UUID.fromString(this.json.readTree(body).get("id").asString());
	}

}
