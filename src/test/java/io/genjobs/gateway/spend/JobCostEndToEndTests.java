package io.genjobs.gateway.spend;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's actual cost end to end: the poller reads the result with
 * {@code include_cost=true}, the simulator answers a {@code cost}, the job shows it with
 * {@code source} {@code runcomfy}, and the ledger books it.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "spring.datasource.hikari.maximum-pool-size=6",
		"spring.datasource.hikari.schema=gateway_job_cost", "spring.flyway.schemas=gateway_job_cost" })
@DirtiesContext
class JobCostEndToEndTests {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void shouldBookRunComfysCostOfAFinishedJob() {
		TestTeam team = this.teams.create();
		awaitPrice(team);
		String id = TestJobs.create(this.client, team, "priced");
		JsonNode job = TestJobs.await(this.client, team, id, Set.of("succeeded", "failed"), Duration.ofSeconds(30));
		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		JsonNode cost = job.get("cost");
		assertThat(cost.get("estimated_usd").decimalValue()).isEqualByComparingTo("0.5");
		assertThat(cost.get("actual_usd").decimalValue()).isEqualByComparingTo("0.5");
		assertThat(cost.get("source").stringValue()).isEqualTo("runcomfy");
		assertThat(cost.get("currency").stringValue()).isEqualTo("USD");
		assertThat(this.jdbc.queryForList("select model, amount_usd, source from spend_ledger where job_id = ?",
				UUID.fromString(id)))
			.singleElement()
			.satisfies((row) -> {
				assertThat(row).containsEntry("model", MODEL).containsEntry("source", "runcomfy");
				assertThat((java.math.BigDecimal) row.get("amount_usd")).isEqualByComparingTo("0.5");
			});
		// The team's usage report and budget figures show the booked job.
		this.client.get()
			.uri("/usage?group_by=model")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"data\": [{\"model\": \"" + MODEL + "\", \"jobs\": 1, \"spent_usd\": 0.5}]}");
		this.client.get()
			.uri("/usage/budget")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"budget_usd\": null, \"spent_usd\": 0.5, \"reserved_usd\": 0, \"remaining_usd\": null}");
	}

	private void awaitPrice(TestTeam team) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			JsonNode model = this.client.get()
				.uri("/models/" + MODEL)
				.header("Authorization", team.bearer())
				.exchange()
				.returnResult(JsonNode.class)
				.getResponseBody()
				.blockFirst();
			if (model != null && model.path("base_price_usd").isNumber()) {
				return;
			}
			assertThat(System.nanoTime()).as("the catalog prices " + MODEL).isLessThan(deadline);
			TestJobs.sleep(100);
		}
	}

}
