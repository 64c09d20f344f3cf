package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.upstream.FakeRunComfy.Operation;
import io.genjobs.gateway.upstream.FakeRunComfy.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the gateway stops its work loops at the same time, not one after another: the
 * dispatcher with a submit in hand, the poller with a poll in hand and a third loop with
 * work in hand are all stopping while every one of them still waits on its work (a gate
 * only this test opens), and once the gate opens each drain finishes its work rather than
 * having it cut off. Stopped one after another, the second loop would be told to stop
 * only once the first one's drain had run out and its work had been interrupted.
 * <p>
 * The test stops its own context (in a schema of its own) as closing it would, then
 * leaves it to be closed.
 */
@IntegrationTest
@Import({ TestTeamsWithKeys.class, GracefulShutdownTests.NeighbourLoop.class })
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_upstream_shutdown",
		"spring.flyway.schemas=gateway_upstream_shutdown", "gateway.simulator.enabled=false",
		"gateway.runcomfy.api-token=" + GracefulShutdownTests.TOKEN,
		// Longer than anything here waits: the held calls end only when the gate opens.
		"gateway.runcomfy.response-timeout=30s", "gateway.upstream.enabled=true",
		"gateway.upstream.poll-interval=100ms", "gateway.upstream.dispatch-interval=50ms",
		// The webhook loops run too (in this schema only, so they take no other test's
		// work).
		"gateway.webhooks.enabled=true" })
class GracefulShutdownTests {

	static final String TOKEN = "shutdown-test-token";

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	static final FakeRunComfy runcomfy = FakeRunComfy.start();

	/** Holds every piece of work in hand until the test opens it. */
	static final CountDownLatch gate = new CountDownLatch(1);

	static final List<String> events = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void runComfyAddress(DynamicPropertyRegistry registry) {
		registry.add("gateway.runcomfy.base-url", runcomfy::baseUrl);
	}

	@AfterAll
	static void stopRunComfy() {
		gate.countDown();
		runcomfy.close();
	}

	@Autowired
	ConfigurableApplicationContext context;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JsonMapper json;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void stoppingTheGatewayStopsItsLoopsInParallelAndEachDrainFinishesItsWork() throws Exception {
		TestTeam team = this.teams.create();
		Scenario polled = runcomfy.scenario(uniquePrompt("polled"));
		polled.onStatus((n) -> held(polled.status("in_progress")));
		String polledId = createJob(team, polled.prompt());
		await().atMost(DEADLINE).until(() -> !polled.calls(Operation.RESULT).isEmpty());

		Scenario submitted = runcomfy.scenario(uniquePrompt("submitted"));
		submitted.onSubmit((n) -> held(submitted.accepted()));
		String submittedId = createJob(team, submitted.prompt());
		await().atMost(DEADLINE).until(() -> !submitted.calls(Operation.SUBMIT).isEmpty());
		await().atMost(DEADLINE).until(() -> events.contains("neighbour holds work"));

		List<WorkLoop> loops = this.context.getBeansOfType(WorkLoop.class)
			.values()
			.stream()
			.filter(WorkLoop::isRunning)
			.toList();
		assertThat(loops).hasAtLeastOneElementOfType(Dispatcher.class)
			.hasAtLeastOneElementOfType(StatusPoller.class)
			.hasAtLeastOneElementOfType(NeighbourLoop.class);

		// What closing the context runs first (before the web server and the pool go):
		// every lifecycle stopped, phase by phase.
		Thread stopping = Thread.ofVirtual().name("stopping").start(this.context::stop);
		// Every loop is told to stop while all of them still wait on their work.
		await().atMost(DEADLINE).until(() -> loops.stream().noneMatch(WorkLoop::isRunning));
		assertThat(gate.getCount()).isEqualTo(1);
		events.add("all loops stopping");
		gate.countDown();
		stopping.join(DEADLINE);
		assertThat(stopping.isAlive()).isFalse();

		// Each drain finished its work: nothing was interrupted for running past a drain.
		assertThat(events).containsExactly("neighbour holds work", "all loops stopping", "neighbour finished");
		assertThat(row(submittedId)).containsExactly("submitted", submitted.requestId());
		assertThat(row(polledId)).containsExactly("running", polled.requestId());
	}

	private static MockResponse held(MockResponse answer) {
		try {
			gate.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return answer;
	}

	private String createJob(TestTeam team, String prompt) {
		String body = """
				{"input": {"prompt": "%s", "image_urls": ["%s"]}}""".formatted(prompt, TestImageServer.png(400, 400));
		byte[] created = this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		JsonNode job = this.json.readTree(created);
		return job.get("id").asString();
	}

	private List<String> row(String jobId) {
		return this.jdbc.queryForObject("select status, upstream_request_id from jobs where id = ?",
				(result, n) -> List.of(result.getString(1), result.getString(2)), UUID.fromString(jobId));
	}

	private static String uniquePrompt(String name) {
		return "shutdown test: " + name + " " + UUID.randomUUID();
	}

	/**
	 * Another loop of the gateway's, with a unit of work in hand until the gate opens.
	 */
	static class NeighbourLoop extends WorkLoop {

		private boolean handed;

		NeighbourLoop() {
			super("neighbour", Duration.ofSeconds(15));
		}

		@Override
		protected Duration round() {
			if (!this.handed) {
				this.handed = true;
				execute(() -> {
					events.add("neighbour holds work");
					try {
						gate.await();
						events.add("neighbour finished");
					}
					catch (InterruptedException ex) {
						events.add("neighbour interrupted");
					}
				});
			}
			return Duration.ofHours(1);
		}

	}

}
