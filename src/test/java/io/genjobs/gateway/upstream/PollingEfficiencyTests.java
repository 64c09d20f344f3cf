package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.Set;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
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

/**
 * What polling costs at RunComfy, counted at a scripted RunComfy on loopback: one result
 * call per poll, none after the job is done, and the status endpoint where the result
 * endpoint refuses unfinished requests. The fallback is remembered per model for this
 * context, so its test runs last.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestPropertySource(properties = { "spring.datasource.hikari.schema=gateway_poll_efficiency",
		"spring.flyway.schemas=gateway_poll_efficiency", "gateway.catalog.refresh-interval=0",
		"gateway.simulator.enabled=false", "gateway.runcomfy.api-token=efficiency-token",
		"gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=50", "spring.datasource.hikari.maximum-pool-size=10" })
class PollingEfficiencyTests {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	private static final Duration DEADLINE = Duration.ofSeconds(15);

	private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

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
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	MeterRegistry meters;

	@LocalManagementPort
	int managementPort;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@AfterEach
	void everyCallWentToAScriptedJob() {
		assertThat(runcomfy.unscripted()).isEmpty();
	}

	@Test
	@Order(1)
	void aJobCostsOneCallPerPollAndNoneAfterItIsDone() {
		Scenario scenario = runcomfy.scenario("five polls " + System.nanoTime());
		scenario.onStatus((n) -> (n <= 2) ? scenario.queued(1)
				: (n <= 4) ? scenario.status("in_progress") : scenario.status("completed"));
		double callsBefore = callsPerJob().totalAmount();
		long jobsBefore = callsPerJob().count();

		JsonNode job = TestJobs.await(this.client, this.team,
				TestJobs.create(this.client, this.team, scenario.prompt()), TERMINAL, DEADLINE);
		TestJobs.sleep(700);

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(job.get("output").get("video").asString()).isEqualTo(scenario.outputUrl());
		// Two polls saw it queued, two running, the fifth got the output: five calls.
		assertThat(scenario.calls(Operation.RESULT)).hasSize(5)
			.allSatisfy((call) -> assertThat(call.path()).endsWith("/result"));
		assertThat(scenario.calls(Operation.STATUS)).isEmpty();
		assertThat(callsPerJob().count()).isEqualTo(jobsBefore + 1);
		assertThat(callsPerJob().totalAmount()).isEqualTo(callsBefore + 5);
	}

	@Test
	@Order(2)
	void aJobDoneAtItsFirstPollCostsOneCall() {
		Scenario scenario = runcomfy.scenario("one poll " + System.nanoTime());
		long lagsBefore = detectionLags().count();

		JsonNode job = TestJobs.await(this.client, this.team,
				TestJobs.create(this.client, this.team, scenario.prompt()), TERMINAL, DEADLINE);
		TestJobs.sleep(500);

		assertThat(job.get("status").asString()).isEqualTo("succeeded");
		assertThat(scenario.calls()).extracting(FakeRunComfy.Call::operation)
			.containsExactly(Operation.SUBMIT, Operation.RESULT);
		assertThat(scenario.calls(Operation.RESULT).get(0).path()).endsWith("/result");
		// The scripted result's timestamps are from 2025: the lag is estimated.
		assertThat(detectionLags().count()).isEqualTo(lagsBefore + 1);
	}

	@Test
	@Order(3)
	void theMetricsAreExported() {
		String scrape = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(scrape.lines())
			.anySatisfy((line) -> assertThat(line).startsWith("gateway_upstream_calls_per_job_count{")
				.contains("model=\"" + MODEL + "\""))
			.anySatisfy((line) -> assertThat(line).startsWith("gateway_upstream_calls_per_job_sum{")
				.contains("model=\"" + MODEL + "\""))
			.anySatisfy((line) -> assertThat(line).startsWith("gateway_jobs_detection_lag_seconds_bucket{"))
			.anySatisfy((line) -> assertThat(line).startsWith("gateway_jobs_detection_lag_seconds_count{")
				.contains("source=\"estimate\""));
	}

	@Test
	@Order(4)
	void whereTheResultEndpointRefusesUnfinishedRequestsTheStatusIsPolledAndTheResultFetchedOnce() {
		Scenario first = runcomfy.scenario("result refused " + System.nanoTime());
		first.resultErrorsUntilDone()
			.onStatus((n) -> (n <= 3) ? first.status("in_progress") : first.status("completed"));

		JsonNode firstJob = TestJobs.await(this.client, this.team,
				TestJobs.create(this.client, this.team, first.prompt()), TERMINAL, DEADLINE);

		assertThat(firstJob.get("status").asString()).isEqualTo("succeeded");
		assertThat(firstJob.get("output").get("video").asString()).isEqualTo(first.outputUrl());
		// The first poll's result read was refused, and the status read at once; then
		// status polls until done, and one result fetch.
		assertThat(first.calls()).extracting(FakeRunComfy.Call::operation)
			.containsExactly(Operation.SUBMIT, Operation.RESULT, Operation.STATUS, Operation.STATUS, Operation.STATUS,
					Operation.RESULT);

		// Remembered for the model: the next job's polls read the status from the start.
		Scenario second = runcomfy.scenario("result refused again " + System.nanoTime());
		second.resultErrorsUntilDone()
			.onStatus((n) -> (n <= 3) ? second.status("in_progress") : second.status("completed"));
		JsonNode secondJob = TestJobs.await(this.client, this.team,
				TestJobs.create(this.client, this.team, second.prompt()), TERMINAL, DEADLINE);

		assertThat(secondJob.get("status").asString()).isEqualTo("succeeded");
		assertThat(second.calls()).extracting(FakeRunComfy.Call::operation)
			.containsExactly(Operation.SUBMIT, Operation.STATUS, Operation.STATUS, Operation.STATUS, Operation.STATUS,
					Operation.RESULT);
	}

	private DistributionSummary callsPerJob() {
		return this.meters.summary("gateway.upstream.calls.per.job", "model", MODEL);
	}

	private Timer detectionLags() {
		return Timer.builder("gateway.jobs.detection.lag")
			.tag("source", "estimate")
			.publishPercentileHistogram()
			.register(this.meters);
	}

}
