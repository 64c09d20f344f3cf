package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.FakeRunComfy.Operation;
import io.genjobs.gateway.upstream.FakeRunComfy.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the gateway loses no submit: one that already left is waited for as long as
 * RunComfy may take to answer (the drain lasts the response timeout, here 20 s, longer
 * than the 15 s it used to be), and is recorded; one still waiting to leave (for a 429
 * pause) is handed back to the queue with its lease released, not left to run out and be
 * settled as {@code submit_outcome_unknown}.
 * <p>
 * The test stops its own context (in a schema of its own) as closing it would, then
 * leaves it to be closed.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_upstream_hand_back",
		"spring.flyway.schemas=gateway_upstream_hand_back", "spring.datasource.hikari.maximum-pool-size=5",
		"gateway.simulator.enabled=false", "gateway.runcomfy.api-token=" + ShutdownHandBackTests.TOKEN,
		"gateway.runcomfy.response-timeout=20s", "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=1m",
		"gateway.upstream.dispatch-interval=50ms",
		"resilience4j.circuitbreaker.instances.runcomfy.sliding-window-size=1000",
		"resilience4j.circuitbreaker.instances.runcomfy.minimum-number-of-calls=1000" })
class ShutdownHandBackTests {

	static final String TOKEN = "hand-back-test-token";

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	/** Longer than the old 15 s drain, shorter than the response timeout. */
	private static final int ANSWER_DELAY_SECONDS = 17;

	static final FakeRunComfy runcomfy = FakeRunComfy.start();

	@DynamicPropertySource
	static void runComfyAddress(DynamicPropertyRegistry registry) {
		registry.add("gateway.runcomfy.base-url", runcomfy::baseUrl);
	}

	@AfterAll
	static void stopRunComfy() {
		runcomfy.close();
	}

	@Autowired
	ConfigurableApplicationContext context;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void stoppingWaitsForASubmitThatLeftAndHandsBackOneThatHadNot() throws Exception {
		TestTeam team = this.teams.create();
		Scenario slow = runcomfy.scenario(uniquePrompt("answered late"));
		slow.onSubmit((n) -> slow.accepted().newBuilder().headersDelay(ANSWER_DELAY_SECONDS, TimeUnit.SECONDS).build());
		String slowId = TestJobs.create(this.client, team, slow.prompt());
		await().atMost(DEADLINE).until(() -> !slow.calls(Operation.SUBMIT).isEmpty());

		Scenario paused = runcomfy.scenario(uniquePrompt("waiting for a pause"));
		paused.onSubmit((n) -> (n == 1) ? FakeRunComfy.error(429, 429001, "Too many requests")
			.newBuilder()
			.setHeader("Retry-After", "120")
			.build() : paused.accepted());
		String pausedId = TestJobs.create(this.client, team, paused.prompt());
		await().atMost(DEADLINE)
			.until(() -> this.jdbc.queryForObject("select paused_until > now() from upstream_pause", Boolean.class));

		// What closing the context runs first (before the web server and the pool go).
		Thread stopping = Thread.ofVirtual().name("stopping").start(this.context::stop);
		stopping.join(DEADLINE);
		assertThat(stopping.isAlive()).isFalse();

		assertThat(row(slowId)).containsExactly("submitted", slow.requestId(), null);
		// Its first submit was sent (and refused with 429), the repeat never left: back
		// in
		// the queue, free for any instance, not orphaned.
		assertThat(row(pausedId)).containsExactly("queued", null, null);
		assertThat(paused.calls(Operation.SUBMIT)).hasSize(1);
	}

	private List<String> row(String jobId) {
		return this.jdbc.queryForObject("select status, upstream_request_id, lease_owner from jobs where id = ?",
				(result, n) -> Arrays.asList(result.getString(1), result.getString(2), result.getString(3)),
				UUID.fromString(jobId));
	}

	private static String uniquePrompt(String name) {
		return "hand back test: " + name + " " + UUID.randomUUID();
	}

}
