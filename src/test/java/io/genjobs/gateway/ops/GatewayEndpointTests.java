package io.genjobs.gateway.ops;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/gateway}. Other test classes share the database (and a cached context
 * with a running dispatcher may be alive), so the assertions hold whatever else is in the
 * tables: this test's own job is kept out of dispatch by a far {@code next_attempt_at}.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class GatewayEndpointTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JobStatistics statistics;

	@LocalManagementPort
	int managementPort;

	@Test
	void reportsJobsByStateOldestQueuedAgeAndInFlight() {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "gateway endpoint");
		this.jdbc.update(
				"update jobs set next_attempt_at = now() + interval '1 hour' where id = ? and status = 'queued'",
				UUID.fromString(id));
		Instant createdAt = Instant.parse(TestJobs.get(this.client, team, id).get("created_at").stringValue());
		try {
			this.statistics.forget();
			JsonNode jobs = gatewayStatus().get("jobs");
			assertThat(jobs.at("/by_state/queued").asLong()).isPositive();
			assertThat(jobs.get("by_state").propertyNames()).containsExactly("queued", "submitted", "running",
					"succeeded", "failed", "cancelled");
			assertThat(jobs.get("terminal_counts").stringValue()).isEqualTo("exact");
			assertThat(jobs.get("estimated_states")).isEmpty();
			assertThat(Instant.parse(jobs.get("oldest_queued_at").stringValue())).isBeforeOrEqualTo(createdAt);
			assertThat(jobs.get("oldest_queued_age_seconds").asDouble()).isPositive();
			assertThat(jobs.get("in_flight_upstream").asLong()).isEqualTo(jobs.at("/by_state/submitted").asLong()
					+ jobs.at("/by_state/running").asLong() + jobs.get("dispatching").asLong());
		}
		finally {
			this.client.post().uri("/jobs/" + id + "/cancel").header("Authorization", team.bearer()).exchange();
		}
	}

	@Test
	void reportsWebhookDeliveriesOnlyWhenTheirTableExists() {
		Boolean exists = this.jdbc.queryForObject("select to_regclass('webhook_deliveries') is not null",
				Boolean.class);
		if (Boolean.TRUE.equals(exists)) {
			this.statistics.forget();
			JsonNode deliveries = gatewayStatus().get("webhook_deliveries");
			assertThat(deliveries.get("pending").isNumber()).isTrue();
			assertThat(deliveries.get("failed").isNumber()).isTrue();
			return;
		}
		this.statistics.forget();
		assertThat(gatewayStatus().get("webhook_deliveries").isNull()).isTrue();
		// Stands in for the webhook feature's table: only the status column is relied on.
		this.jdbc.execute("create table webhook_deliveries (id bigserial primary key, status text not null)");
		try {
			this.jdbc.update("insert into webhook_deliveries (status) values ('pending'), ('pending'), ('failed'), "
					+ "('delivered')");
			this.statistics.forget();
			JsonNode deliveries = gatewayStatus().get("webhook_deliveries");
			assertThat(deliveries.get("pending").asLong()).isEqualTo(2);
			assertThat(deliveries.get("failed").asLong()).isEqualTo(1);
			assertThat(deliveries.get("counted_up_to").asLong()).isEqualTo(JobStatistics.DELIVERY_COUNT_LIMIT);
		}
		finally {
			this.jdbc.execute("drop table webhook_deliveries");
			this.statistics.forget();
		}
	}

	private JsonNode gatewayStatus() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/gateway")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

}
