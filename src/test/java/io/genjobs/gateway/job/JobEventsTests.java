package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code Prefer: wait} and {@code GET /jobs/{id}/events} over real HTTP against the real
 * PostgreSQL: the job's state changes are made through the job's own commands (as the
 * dispatcher and the poller make them), and reach the clients by {@code LISTEN/NOTIFY}.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.jobs.stream-keep-alive=200ms", "gateway.jobs.max-watchers-per-team=60" })
class JobEventsTests {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JobChanges changes;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	JobEventHub hub;

	@Autowired
	JobWatchLimits limits;

	@Autowired
	HikariDataSource dataSource;

	@Test
	void shouldStreamEveryStateChangeInOrderAndEndAfterTheTerminalOne() {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "stream me");
		List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
		Disposable stream = events(team, id, null).subscribe(received::add);
		await().until(() -> events(received).size() == 1);
		runToSuccess(UUID.fromString(id));
		await().atMost(Duration.ofSeconds(10)).until(stream::isDisposed);

		List<ServerSentEvent<String>> events = events(received);
		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("job.queued", "job.submitted", "job.running", "job.succeeded");
		assertThat(events).extracting(ServerSentEvent::id).containsExactly("1", "2", "3", "4");
		JsonNode last = json.readTree(events.getLast().data());
		assertThat(last.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(last.get("sequence").intValue()).isEqualTo(4);
		assertThat(last.get("output").get("video").stringValue()).isEqualTo("v.mp4");
		assertThat(json.readTree(events.get(1).data()).get("upstream").get("request_id").stringValue())
			.isEqualTo("req-" + id);
	}

	@Test
	void shouldReplayTheChangesAfterLastEventIdThenEnd() {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "replay me");
		runToSuccess(UUID.fromString(id));

		List<ServerSentEvent<String>> events = events(
				events(team, id, "2").collectList().block(Duration.ofSeconds(10)));
		assertThat(events).extracting(ServerSentEvent::event).containsExactly("job.running", "job.succeeded");
		assertThat(events).extracting(ServerSentEvent::id).containsExactly("3", "4");
		JsonNode running = json.readTree(events.get(0).data());
		assertThat(running.get("status").stringValue()).isEqualTo("running");
		assertThat(running.get("output").isNull()).isTrue();
		// Resuming after the last event: nothing to send, the stream ends at once.
		assertThat(events(events(team, id, "4").collectList().block(Duration.ofSeconds(10)))).isEmpty();
	}

	@Test
	void shouldSendKeepAliveCommentsWhileNothingHappens() {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "quiet");
		List<ServerSentEvent<String>> received = events(team, id, null).take(Duration.ofMillis(900))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(received).filteredOn((e) -> "keep-alive".equals(e.comment())).hasSizeGreaterThanOrEqualTo(2);
		assertThat(events(received)).extracting(ServerSentEvent::event).containsExactly("job.queued");
	}

	@Test
	void shouldAnswerAnotherTeamsJobAsNotFound() {
		TestTeam owner = this.teams.create();
		TestTeam other = this.teams.create();
		String id = TestJobs.create(this.client, owner, "not yours");
		this.client.get()
			.uri("/jobs/" + id + "/events")
			.header("Authorization", other.bearer())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get()
			.uri("/jobs/" + id)
			.header("Authorization", other.bearer())
			.header("Prefer", "wait=5")
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get()
			.uri("/jobs/" + id + "/events")
			.header("Authorization", owner.bearer())
			.header("Last-Event-ID", "x1")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void shouldAnswerAWaitWhenTheJobFinishes() throws Exception {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "wait for me");
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			long started = System.nanoTime();
			Future<WebTestClient.ResponseSpec> answer = executor.submit(() -> getWaiting(team, id, "wait=30"));
			await().until(() -> this.hub.watchedJobs() > 0);
			runToSuccess(UUID.fromString(id));
			WebTestClient.ResponseSpec response = answer.get();
			response.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("Preference-Applied", "wait=30")
				.expectHeader()
				.valueEquals("Vary", "Prefer")
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("succeeded");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
		}
	}

	@Test
	void shouldAnswerAWaitAfterNSecondsWhenTheJobDoesNotFinish() {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "never finishes");
		long started = System.nanoTime();
		getWaiting(team, id, "respond-async, wait=1").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Preference-Applied", "wait=1")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("queued");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
		// A malformed preference is ignored, not refused: the answer comes at once.
		getWaiting(team, id, "wait=soon").expectStatus().isOk().expectHeader().doesNotExist("Preference-Applied");
	}

	@Test
	void shouldWaitOnPostJobsWithAnIdempotencyReplayToo() throws Exception {
		TestTeam team = this.teams.create();
		String body = """
				{"input": {"prompt": "post and wait", "image_urls": ["%s"]}}
				""".formatted(io.genjobs.gateway.support.TestImageServer.png(400, 400));
		JsonNode created = json.readTree(post(team, body, "key-1", "wait=1").expectStatus()
			.isAccepted()
			.expectHeader()
			.valueEquals("Preference-Applied", "wait=1")
			.expectBody()
			.returnResult()
			.getResponseBody());
		UUID id = UUID.fromString(created.get("id").stringValue());
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<WebTestClient.ResponseSpec> replay = executor.submit(() -> post(team, body, "key-1", "wait=30"));
			await().until(() -> this.hub.watchedJobs() > 0);
			runToSuccess(id);
			replay.get()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("Preference-Applied", "wait=30")
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("succeeded");
		}
	}

	@Test
	void shouldHoldNoDatabaseConnectionWhileFiftyClientsWait() throws Exception {
		TestTeam team = this.teams.create();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			ids.add(TestJobs.create(this.client, team, "waiting " + i));
		}
		AtomicInteger succeeded = new AtomicInteger();
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> waits = new ArrayList<>();
			for (String id : ids) {
				waits.add(executor.submit(() -> {
					getWaiting(team, id, "wait=60").expectBody().jsonPath("$.status").isEqualTo("succeeded");
					succeeded.incrementAndGet();
				}));
			}
			await().until(() -> this.hub.watchedJobs() >= 50);
			// Fifty clients wait, and the pool is idle.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.dataSource.getHikariPoolMXBean().getActiveConnections() == 0);
			assertThat(this.dataSource.getHikariPoolMXBean().getActiveConnections()).isZero();
			for (String id : ids) {
				runToSuccess(UUID.fromString(id));
			}
			for (Future<?> wait : waits) {
				wait.get();
			}
		}
		assertThat(succeeded).hasValue(50);
	}

	@Test
	void shouldRefuseWatchersOverTheTeamsCap() throws Exception {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "crowded");
		List<Disposable> streams = new ArrayList<>();
		try {
			for (int i = 0; i < 60; i++) {
				streams.add(events(team, id, null).subscribe());
			}
			await().until(() -> this.limits.open() == 60);
			this.client.get()
				.uri("/jobs/" + id)
				.header("Authorization", team.bearer())
				.header("Prefer", "wait=5")
				.exchange()
				.expectStatus()
				.isEqualTo(429)
				.expectBody()
				.jsonPath("$.type")
				.value((type) -> assertThat(type.toString()).endsWith("too-many-watchers"));
			// Without the preference the same request is answered as usual.
			this.client.get()
				.uri("/jobs/" + id)
				.header("Authorization", team.bearer())
				.exchange()
				.expectStatus()
				.isOk();
		}
		finally {
			streams.forEach(Disposable::dispose);
		}
	}

	private WebTestClient.ResponseSpec getWaiting(TestTeam team, String id, String prefer) {
		return this.client.mutate()
			.responseTimeout(Duration.ofSeconds(70))
			.build()
			.get()
			.uri("/jobs/" + id)
			.header("Authorization", team.bearer())
			.header("Prefer", prefer)
			.exchange();
	}

	private WebTestClient.ResponseSpec post(TestTeam team, String body, String key, String prefer) {
		return this.client.mutate()
			.responseTimeout(Duration.ofSeconds(70))
			.build()
			.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.header("Idempotency-Key", key)
			.header("Prefer", prefer)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private Flux<ServerSentEvent<String>> events(TestTeam team, String id, String lastEventId) {
		return WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/jobs/" + id + "/events")
			.header("Authorization", team.bearer())
			.headers((headers) -> {
				if (lastEventId != null) {
					headers.set("Last-Event-ID", lastEventId);
				}
			})
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(SSE);
	}

	private static List<ServerSentEvent<String>> events(List<ServerSentEvent<String>> received) {
		return received.stream().filter((e) -> e.event() != null).toList();
	}

	/** Queued → submitted → running → succeeded, as the dispatcher and poller do it. */
	private void runToSuccess(UUID id) {
		Instant now = Instant.now();
		this.changes.apply(id, (job) -> {
			job.claim("stream-test", now.plusSeconds(60));
			return job.markSubmitted("stream-test", "req-" + id, now, now.plusSeconds(3600));
		});
		this.lifecycle.running(id, "in_progress", now.plusSeconds(3600));
		this.lifecycle.succeed(id, "{\"video\": \"v.mp4\"}");
	}

}
