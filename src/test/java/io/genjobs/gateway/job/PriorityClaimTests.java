package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
 * between teams stay as fair as without priorities, and no job past its deadline is
 * claimed or sent.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_priority_claims",
		"spring.flyway.schemas=gateway_priority_claims", "spring.datasource.hikari.maximum-pool-size=5" })
@DirtiesContext
class PriorityClaimTests {

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
