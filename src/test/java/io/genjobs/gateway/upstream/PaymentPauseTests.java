package io.genjobs.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestInstances;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.upstream.FakeRunComfy.Call;
import io.genjobs.gateway.upstream.FakeRunComfy.Operation;
import io.genjobs.gateway.upstream.FakeRunComfy.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RunComfy's own balance (DESIGN, Spend and budgets): a submit refused for insufficient
 * balance (HTTP 402, or {@code error_code} 400002 under any status) fails no job and uses
 * no attempt; dispatch pauses on every instance (health, metric, one ERROR log), one job
 * is tried per {@code payment-retry-interval}, all instances together, and a submit
 * RunComfy accepts ends the pause. Two gateway instances (the second a full application
 * of its own) share one database schema and a scripted RunComfy ({@link FakeRunComfy})
 * over real HTTP.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
@Import(TestTeamsWithKeys.class)
@DirtiesContext
class PaymentPauseTests {

	static final String TOKEN = "payment-test-token";

	private static final Duration RETRY_INTERVAL = Duration.ofSeconds(2);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

	static final FakeRunComfy runcomfy = FakeRunComfy.start();

	/** Whether the account is empty: every scripted submit is then refused. */
	private static final AtomicBoolean broke = new AtomicBoolean();

	private static ConfigurableApplicationContext second;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@Autowired
	CircuitBreakerRegistry breakers;

	@Autowired
	Dispatcher dispatcher;

	@Autowired
	HikariDataSource dataSource;

	@Autowired
	JsonMapper json;

	@Autowired
	ConfigurableApplicationContext self;

	TestTeam team;

	@DynamicPropertySource
	static void forwardToTheFake(DynamicPropertyRegistry registry) {
		forwarding().forEach((name, value) -> registry.add(name, () -> value));
	}

	private static Map<String, String> forwarding() {
		Map<String, String> properties = new HashMap<>();
		properties.put("gateway.simulator.enabled", "false");
		properties.put("gateway.runcomfy.base-url", runcomfy.baseUrl());
		properties.put("gateway.runcomfy.api-token", TOKEN);
		// The scripted RunComfy answers job calls only: no catalog sync against it.
		properties.put("gateway.catalog.refresh-interval", "0");
		properties.put("gateway.upstream.enabled", "true");
		properties.put("gateway.upstream.rate-limit-per-second", "100");
		properties.put("gateway.upstream.poll-interval", "100ms");
		properties.put("gateway.upstream.max-poll-interval", "200ms");
		properties.put("gateway.upstream.dispatch-interval", "50ms");
		properties.put("gateway.upstream.max-submit-attempts", "2");
		properties.put("gateway.upstream.payment-retry-interval", RETRY_INTERVAL.toMillis() + "ms");
		// A breaker that counted refusals as failures would open after a few: it must
		// not.
		properties.put("resilience4j.circuitbreaker.instances.runcomfy.sliding-window-size", "4");
		properties.put("resilience4j.circuitbreaker.instances.runcomfy.minimum-number-of-calls", "2");
		properties.put("spring.datasource.hikari.maximum-pool-size", "8");
		// A schema of its own: the pause must not reach other test classes' contexts.
		properties.put("spring.datasource.hikari.schema", "gateway_payment");
		properties.put("spring.flyway.schemas", "gateway_payment");
		return properties;
	}

	@BeforeEach
	void startTheSecondInstanceWithAFullAccount() {
		if (second == null) {
			Map<String, Object> properties = new HashMap<>(forwarding());
			properties.put("gateway.outbound.allowed-hosts[0]", TestImageServer.hostPort());
			second = TestInstances.start(this.dataSource, properties);
		}
		broke.set(false);
		this.jdbc.update("update jobs set status = 'cancelled', lease_owner = null, next_attempt_at = null "
				+ "where status in ('queued', 'submitted', 'running')");
		this.jdbc.update("update upstream_pause set payment_required_since = null, payment_retry_at = null");
		// Both instances forget their copy of the pause.
		TestJobs.sleep(2 * PaymentPause.REFRESH.toMillis());
		this.team = this.teams.create();
	}

	@AfterEach
	void restartLoopsAndCheckTheBreakers() {
		this.dispatcher.start();
		second.getBean(Dispatcher.class).start();
		assertThat(runcomfy.unscripted()).isEmpty();
	}

	@AfterAll
	static void stopEverything() {
		if (second != null) {
			second.close();
			second = null;
		}
		runcomfy.close();
	}

	@Test
	void shouldPauseDispatchEverywhereWithoutFailingAJobWhenRunComfyAnswers402(CapturedOutput output) {
		List<Scenario> scenarios = scenarios("402", 3,
				// A careless upstream might echo the key: it must not reach the log.
				() -> FakeRunComfy.error(402, 400002, "Insufficient balance for key " + TOKEN));
		double refusalsBefore = refusalsCounted();
		broke.set(true);
		List<String> ids = new ArrayList<>();
		for (Scenario scenario : scenarios) {
			ids.add(TestJobs.create(this.client, this.team, scenario.prompt()));
		}

		await().atMost(TIMEOUT).until(() -> submits(scenarios) >= 1);
		for (ConfigurableApplicationContext instance : instances()) {
			JsonNode readiness = await().atMost(TIMEOUT)
				.until(() -> readiness(instance),
						(r) -> r.get("status").asString().equals("UPSTREAM_PAYMENT_REQUIRED"));
			JsonNode payment = readiness.at("/components/upstreamPayment");
			assertThat(payment.get("status").asString()).isEqualTo("UPSTREAM_PAYMENT_REQUIRED");
			assertThat(Instant.parse(payment.at("/details/since").asString())).isBefore(Instant.now());
			assertThat(payment.at("/details/next_try_at").isString()).isTrue();
			assertThat(liveness(instance)).isEqualTo("UP");
			await().atMost(TIMEOUT)
				.until(() -> instance.getBean(MeterRegistry.class)
					.get("gateway.upstream.payment.required")
					.gauge()
					.value() == 1.0);
		}
		// Longer than an interval: the jobs wait, unfailed and with no attempt used.
		TestJobs.sleep(RETRY_INTERVAL.toMillis() + 500);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			for (String id : ids) {
				assertThat(TestJobs.get(this.client, this.team, id).get("status").asString()).isEqualTo("queued");
				assertThat(attempts(id)).as("attempts of " + id).isZero();
			}
		});
		assertThat(submits(scenarios)).as("submits while paused: %s", submitTimes(scenarios)).isLessThan(3 + 3);
		assertThat(refusalsCounted() - refusalsBefore).isEqualTo(submits(scenarios));
		for (ConfigurableApplicationContext instance : instances()) {
			assertThat(instance.getBean(CircuitBreakerRegistry.class).circuitBreaker("runcomfy").getState())
				.isEqualTo(CircuitBreaker.State.CLOSED);
		}
		assertThat(countOf(output.getAll(), "dispatch is paused on every gateway instance")).isEqualTo(1);
		assertThat(output.getAll()).contains("ERROR")
			.contains("RunComfy refused a submit for insufficient balance")
			.doesNotContain(TOKEN);

		broke.set(false);
		for (String id : ids) {
			JsonNode job = TestJobs.await(this.client, this.team, id, TERMINAL, TIMEOUT);
			assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
		}
		for (ConfigurableApplicationContext instance : instances()) {
			await().atMost(TIMEOUT).until(() -> readiness(instance).get("status").asString().equals("UP"));
			await().atMost(TIMEOUT)
				.until(() -> instance.getBean(MeterRegistry.class)
					.get("gateway.upstream.payment.required")
					.gauge()
					.value() == 0.0);
		}
		assertThat(output.getAll()).contains("RunComfy accepts submits again");
	}

	@Test
	void shouldPauseTheSameWayOnAnErrorCode400002AnsweredWithHttp200() {
		List<Scenario> scenarios = scenarios("200 with 400002", 2,
				() -> FakeRunComfy.error(200, 400002, "Insufficient balance"));
		broke.set(true);
		List<String> ids = new ArrayList<>();
		for (Scenario scenario : scenarios) {
			ids.add(TestJobs.create(this.client, this.team, scenario.prompt()));
		}

		await().atMost(TIMEOUT)
			.until(() -> readiness(second).get("status").asString().equals("UPSTREAM_PAYMENT_REQUIRED"));
		assertThat(this.meters.get("gateway.upstream.payment.required").gauge().value()).isEqualTo(1.0);
		TestJobs.sleep(500);
		for (String id : ids) {
			assertThat(TestJobs.get(this.client, this.team, id).get("status").asString()).isEqualTo("queued");
		}
		assertThat(this.breakers.circuitBreaker("runcomfy").getState()).isEqualTo(CircuitBreaker.State.CLOSED);

		broke.set(false);
		for (String id : ids) {
			assertThat(TestJobs.await(this.client, this.team, id, TERMINAL, TIMEOUT).get("status").asString())
				.isEqualTo("succeeded");
		}
		assertThat(this.jdbc.queryForObject("select payment_required_since is null from upstream_pause", Boolean.class))
			.isTrue();
	}

	@Test
	void shouldTryExactlyOneJobPerIntervalAcrossBothInstances() {
		List<Scenario> scenarios = scenarios("one per interval", 6, () -> FakeRunComfy.error(402, 400002, "Top up"));
		broke.set(true);
		WebTestClient secondClient = publicClient(second);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < scenarios.size(); i++) {
			ids.add(TestJobs.create((i % 2 == 0) ? this.client : secondClient, this.team, scenarios.get(i).prompt()));
		}
		await().atMost(TIMEOUT).until(() -> submits(scenarios) >= 1);
		Instant first = submitTimes(scenarios).get(0);
		// The pause began with the first refusal; jobs claimed before every instance
		// knew it may have gone out within the refresh. After that: one try per interval.
		TestJobs.sleep(RETRY_INTERVAL.multipliedBy(3).plusMillis(1500).toMillis());
		List<Instant> tries = submitTimes(scenarios).stream()
			.filter((at) -> at.isAfter(first.plus(PaymentPause.REFRESH.multipliedBy(4))))
			.toList();
		assertThat(tries).as("tries after the first wave").hasSizeBetween(3, 4);
		for (int i = 1; i < tries.size(); i++) {
			Duration gap = Duration.between(tries.get(i - 1), tries.get(i));
			assertThat(gap).as("gap between tries")
				.isBetween(RETRY_INTERVAL.minusMillis(100), RETRY_INTERVAL.plusSeconds(1));
		}
		for (String id : ids) {
			assertThat(TestJobs.get(this.client, this.team, id).get("status").asString()).isEqualTo("queued");
		}

		broke.set(false);
		for (String id : ids) {
			assertThat(TestJobs.await(this.client, this.team, id, TERMINAL, TIMEOUT).get("status").asString())
				.isEqualTo("succeeded");
		}
		assertThat(scenarios).allSatisfy((scenario) -> assertThat(
				scenario.calls(Operation.SUBMIT).stream().filter((call) -> call.at().isAfter(first)).count())
			.isPositive());
	}

	@Test
	void shouldKeepTheSecondInstanceFromSubmittingWhileTheFirstInstancesPauseHolds() {
		Dispatcher secondDispatcher = second.getBean(Dispatcher.class);
		secondDispatcher.stop();
		List<Scenario> scenarios = scenarios("two instances", 3, () -> FakeRunComfy.error(402, 400002, "Top up"));
		broke.set(true);
		String firstJob = TestJobs.create(this.client, this.team, scenarios.get(0).prompt());
		await().atMost(TIMEOUT).until(() -> submits(scenarios) == 1);
		Instant nextTry = this.jdbc
			.queryForObject("select payment_retry_at from upstream_pause", java.sql.Timestamp.class)
			.toInstant();

		// Only the second instance dispatches now, with two more jobs queued.
		this.dispatcher.stop();
		secondDispatcher.start();
		WebTestClient secondClient = publicClient(second);
		List<String> ids = new ArrayList<>(
				List.of(firstJob, TestJobs.create(secondClient, this.team, scenarios.get(1).prompt()),
						TestJobs.create(secondClient, this.team, scenarios.get(2).prompt())));
		List<Instant> early = submitTimes(scenarios);
		assertThat(early).as("submits before the next try").hasSize(1);
		// Until the next try nothing leaves; then exactly one job does, from the second
		// instance (the first one no longer dispatches).
		await().atMost(TIMEOUT).until(() -> submits(scenarios) >= 2);
		List<Instant> times = submitTimes(scenarios);
		assertThat(times.get(1)).isAfterOrEqualTo(nextTry.minusMillis(50));
		TestJobs.sleep(RETRY_INTERVAL.toMillis() / 2);
		assertThat(submits(scenarios)).isEqualTo(2);
		assertThat(scenarios.get(0).calls(Operation.SUBMIT)).as("the oldest job keeps its place").hasSize(2);
		for (String id : ids) {
			assertThat(attempts(id)).isZero();
		}
		assertThat(second.getBean(CircuitBreakerRegistry.class).circuitBreaker("runcomfy").getState())
			.isEqualTo(CircuitBreaker.State.CLOSED);

		broke.set(false);
		for (String id : ids) {
			assertThat(TestJobs.await(this.client, this.team, id, TERMINAL, TIMEOUT).get("status").asString())
				.isEqualTo("succeeded");
		}
		await().atMost(TIMEOUT).until(() -> readiness(this.self).get("status").asString().equals("UP"));
	}

	/** Scenarios whose submits are refused with {@code refusal} while {@link #broke}. */
	private List<Scenario> scenarios(String name, int count, java.util.function.Supplier<MockResponse> refusal) {
		List<Scenario> scenarios = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Scenario scenario = runcomfy.scenario(name + " " + i + " " + UUID.randomUUID());
			scenario.onSubmit((n) -> broke.get() ? refusal.get() : scenario.accepted());
			scenarios.add(scenario);
		}
		return scenarios;
	}

	private static int submits(List<Scenario> scenarios) {
		return scenarios.stream().mapToInt((scenario) -> scenario.calls(Operation.SUBMIT).size()).sum();
	}

	private static List<Instant> submitTimes(List<Scenario> scenarios) {
		return scenarios.stream()
			.flatMap((scenario) -> scenario.calls(Operation.SUBMIT).stream())
			.map(Call::at)
			.sorted()
			.toList();
	}

	/** {@code gateway_upstream_payment_refusals_total}, both instances together. */
	private double refusalsCounted() {
		return instances().stream()
			.map((instance) -> instance.getBean(MeterRegistry.class))
			.distinct()
			.mapToDouble((registry) -> registry.get("gateway.upstream.payment.refusals").counter().count())
			.sum();
	}

	private int attempts(String id) {
		return this.jdbc.queryForObject("select attempts from jobs where id = ?", Integer.class, UUID.fromString(id));
	}

	private List<ConfigurableApplicationContext> instances() {
		return List.of(this.self, second);
	}

	/** The readiness group of an instance. */
	private JsonNode readiness(ConfigurableApplicationContext instance) {
		return this.json.readTree(management(instance, "/actuator/health/readiness"));
	}

	private String liveness(ConfigurableApplicationContext instance) {
		return this.json.readTree(management(instance, "/actuator/health/liveness")).get("status").asString();
	}

	private String management(ConfigurableApplicationContext instance, String path) {
		int port = Integer.parseInt(instance.getEnvironment().getProperty("local.management.port"));
		byte[] body = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.build()
			.get()
			.uri(path)
			.exchange()
			// UPSTREAM_PAYMENT_REQUIRED keeps the instance in rotation: 200, not 503.
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return new String(body, StandardCharsets.UTF_8);
	}

	private static WebTestClient publicClient(ConfigurableApplicationContext instance) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + instance.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	private static int countOf(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

}
