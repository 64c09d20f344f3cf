package io.genjobs.gateway.job;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 1,000 event streams open at once on one instance, in a JVM with a 256 MiB heap (the
 * {@code bounded-memory} execution): the heap they take stays small, the database pool
 * idle, and every one of them gets its job's terminal event and ends.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "gateway.jobs.max-watchers-per-team=2000", "gateway.jobs.stream-keep-alive=5s" })
class JobEventsMemoryTests {

	private static final int CLIENTS = 1000;

	private static final int JOBS = 50;

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
	JobWatchLimits limits;

	@Test
	void shouldServeAThousandStreamsInBoundedMemoryAndEndEachAfterItsTerminalEvent() {
		TestTeam team = this.teams.create(1000, 1000);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < JOBS; i++) {
			ids.add(TestJobs.create(this.client, team, "crowd " + i));
		}
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		long heapBefore = memory.getHeapMemoryUsage().getUsed();
		ConnectionProvider connections = ConnectionProvider.builder("sse-crowd")
			.maxConnections(CLIENTS + 10)
			.pendingAcquireMaxCount(-1)
			.build();
		HttpClient http = HttpClient.create(connections)
			.baseUrl("http://127.0.0.1:" + this.port)
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, team.bearer())
				.set(HttpHeaderNames.ACCEPT, "text/event-stream"));
		AtomicInteger terminal = new AtomicInteger();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		List<Disposable> streams = new ArrayList<>();
		try {
			for (int i = 0; i < CLIENTS; i++) {
				String id = ids.get(i % JOBS);
				streams.add(http.get()
					.uri("/jobs/" + id + "/events")
					.responseContent()
					.asString()
					.filter((chunk) -> chunk.contains("event:job.succeeded"))
					.subscribe((chunk) -> terminal.incrementAndGet(), failures::add));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> this.limits.open() == CLIENTS);
			System.gc();
			long heapWithStreams = memory.getHeapMemoryUsage().getUsed();
			// About 1,000 connections' buffers and subscriptions: well under 64 MiB.
			assertThat(heapWithStreams - heapBefore).isLessThan(64L * 1024 * 1024);
			for (String id : ids) {
				runToSuccess(UUID.fromString(id));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> terminal.get() == CLIENTS);
			await().atMost(Duration.ofSeconds(30)).until(() -> this.limits.open() == 0);
			assertThat(failures).isEmpty();
		}
		finally {
			streams.forEach(Disposable::dispose);
			connections.dispose();
		}
	}

	private void runToSuccess(UUID id) {
		Instant now = Instant.now();
		this.changes.apply(id, (job) -> {
			job.claim("crowd-test", now.plusSeconds(60));
			return job.markSubmitted("crowd-test", "req-" + id, now, now.plusSeconds(3600));
		});
		this.lifecycle.running(id, "in_progress", now.plusSeconds(3600));
		this.lifecycle.succeed(id, "{\"video\": \"v.mp4\"}");
	}

}
