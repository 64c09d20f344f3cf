package io.genjobs.gateway.job;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
@Import(TestTeamsWithKeys.class)
class JobRetentionTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JdbcClient jdbcClient;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	Clock clock;

	@Test
	void deletesTerminalJobsPastRetentionInBatchesWithTheirHistoryAndKeepsTheRest() {
		TestTeam team = this.teams.create();
		List<String> old = new ArrayList<>();
		for (String status : List.of("succeeded", "failed", "cancelled", "succeeded", "failed")) {
			String id = TestJobs.create(this.client, team, "old " + status);
			finish(id, status, Duration.ofDays(91));
			old.add(id);
		}
		String recent = TestJobs.create(this.client, team, "recent");
		finish(recent, "succeeded", Duration.ofDays(89));
		String queuedLongAgo = TestJobs.create(this.client, team, "queued");
		this.jdbc.update("update jobs set created_at = now() - interval '200 days' where id = ?::uuid", queuedLongAgo);
		assertThat(historyOf(old.get(0))).isPositive();

		JobRetention retention = new JobRetention(this.jdbcClient, this.transaction,
				new JobRetentionSettings(Duration.ofDays(90), Duration.ZERO, 2), this.clock);
		int deleted = retention.prune();

		assertThat(deleted).isGreaterThanOrEqualTo(5);
		assertThat(existing(old)).isEmpty();
		assertThat(existing(List.of(recent, queuedLongAgo))).containsExactlyInAnyOrder(recent, queuedLongAgo);
		assertThat(historyOf(old.get(0))).isZero();
		this.client.get()
			.uri("/jobs/" + old.get(1))
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void noIntervalMeansThisInstanceNeverPrunes() {
		JobRetention retention = new JobRetention(this.jdbcClient, this.transaction,
				new JobRetentionSettings(Duration.ofDays(90), Duration.ZERO, 10), this.clock);
		assertThat(retention.isAutoStartup()).isFalse();
	}

	private void finish(String id, String status, Duration ago) {
		this.jdbc.update(
				"update jobs set status = ?, completed_at = now() - make_interval(secs => ?) where id = ?::uuid",
				status, (double) ago.toSeconds(), id);
	}

	private int historyOf(String id) {
		return this.jdbc.queryForObject("select count(*) from job_transitions where job_id = ?::uuid", Integer.class,
				id);
	}

	private List<String> existing(List<String> ids) {
		return this.jdbc.queryForList("select id::text from jobs where id = any(?::uuid[])", String.class,
				(Object) ids.toArray(String[]::new));
	}

}
