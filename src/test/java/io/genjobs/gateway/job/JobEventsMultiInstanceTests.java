package io.genjobs.gateway.job;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestInstances;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestTeamsWithKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one database: A (this test's context) forwards nothing; B dispatches
 * and polls, against its built-in simulator. A client streaming from A, or waiting on A,
 * sees what B does to the job, through {@code LISTEN/NOTIFY}.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_stream",
		"spring.flyway.schemas=gateway_stream", "spring.datasource.hikari.maximum-pool-size=4" })
class JobEventsMultiInstanceTests {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private static ConfigurableApplicationContext second;

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	HikariDataSource dataSource;

	@AfterAll
	static void stopTheSecondInstance() {
		if (second != null) {
			second.close();
			second = null;
		}
	}

	@Test
	void shouldStreamAndAnswerWaitsOnOneInstanceForAJobAnotherInstanceRuns() {
		startTheSecondInstance();
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "run by the other instance");
		List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
		Disposable stream = WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/jobs/" + id + "/events")
			.header("Authorization", team.bearer())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(SSE)
			.filter((event) -> event.event() != null)
			.subscribe(received::add);
		String waited = this.client.mutate()
			.responseTimeout(Duration.ofSeconds(70))
			.build()
			.get()
			.uri("/jobs/" + id)
			.header("Authorization", team.bearer())
			.header("Prefer", "wait=60")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Preference-Applied", "wait=60")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(waited).contains("\"status\":\"succeeded\"");
		await().atMost(Duration.ofSeconds(20)).until(stream::isDisposed);
		assertThat(received).extracting(ServerSentEvent::event)
			.containsExactly("job.queued", "job.submitted", "job.running", "job.succeeded");
		assertThat(received).extracting(ServerSentEvent::id).containsExactly("1", "2", "3", "4");
	}

	private void startTheSecondInstance() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.hikari.schema", "gateway_stream");
		properties.put("spring.datasource.hikari.maximum-pool-size", "4");
		properties.put("spring.flyway.schemas", "gateway_stream");
		properties.put("gateway.upstream.enabled", "true");
		properties.put("gateway.upstream.poll-interval", "100ms");
		properties.put("gateway.upstream.max-poll-interval", "200ms");
		properties.put("gateway.upstream.dispatch-interval", "50ms");
		properties.put("gateway.outbound.allowed-hosts[0]", TestImageServer.hostPort());
		second = TestInstances.start(this.dataSource, properties);
	}

}
