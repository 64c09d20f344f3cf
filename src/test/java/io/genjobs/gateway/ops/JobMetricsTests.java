package io.genjobs.gateway.ops;

import java.time.Duration;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.team.TeamAdministration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job metrics over a job's whole life, forwarded to the built-in RunComfy simulator (the
 * same context as the upstream forwarding tests).
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "spring.datasource.hikari.maximum-pool-size=10" })
// Closed afterwards: its dispatcher claims queued jobs of every team, which would steal
// the jobs of
// test classes that run their own instances (MultiInstanceTests).
@DirtiesContext
class JobMetricsTests {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	TeamAdministration administration;

	@Autowired
	MeterRegistry registry;

	@Test
	void countsAcceptedAndFinishedJobsByModelAndTeamAndTimesTheirStages() {
		TestTeam team = this.teams.create();
		String name = this.administration.get(team.id()).name();
		long durationsBefore = durationCount();

		String id = TestJobs.create(this.client, team, "metrics");
		TestJobs.await(this.client, team, id, Set.of("succeeded"), Duration.ofSeconds(20));

		assertThat(counter("gateway.jobs.accepted", "model", MODEL, "team", name)).isEqualTo(1);
		// Recorded right after the poller's commit, which a client may see a moment
		// earlier.
		awaitCounter("gateway.jobs.finished", "model", MODEL, "team", name);
		assertThat(
				counter("gateway.jobs.finished", "model", MODEL, "team", name, "outcome", "succeeded", "code", "none"))
			.isEqualTo(1);
		assertThat(durationCount()).isGreaterThan(durationsBefore);
		assertThat(this.registry.find("gateway.jobs.dispatch.wait").tag("model", MODEL).timer().count()).isPositive();
		assertThat(this.registry.find("gateway.upstream.calls").tag("operation", "submit").timers()).isNotEmpty();
	}

	@Test
	void countsRejectedSubmissionsByProblemTypeAndTeam() {
		TestTeam team = this.teams.create();
		String name = this.administration.get(team.id()).name();
		double unauthenticated = counter("gateway.jobs.rejected", "reason", "unauthenticated", "team", "unknown");

		this.client.post()
			.uri("/jobs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"input\": {}}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"input\": {\"prompt\": \"\"}}")
			.exchange()
			.expectStatus()
			.isEqualTo(422);
		this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest();

		assertThat(counter("gateway.jobs.rejected", "reason", "unauthenticated", "team", "unknown"))
			.isEqualTo(unauthenticated + 1);
		assertThat(counter("gateway.jobs.rejected", "reason", "validation-failed", "team", name)).isEqualTo(1);
		assertThat(counter("gateway.jobs.rejected", "reason", "malformed-request", "team", name)).isEqualTo(1);
	}

	private void awaitCounter(String name, String... tags) {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (counter(name, tags) == 0 && System.nanoTime() < deadline) {
			TestJobs.sleep(20);
		}
	}

	private double counter(String name, String... tags) {
		Counter counter = this.registry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private long durationCount() {
		Timer timer = this.registry.find("gateway.jobs.duration").tags("model", MODEL, "outcome", "succeeded").timer();
		return (timer != null) ? timer.count() : 0;
	}

}
