package io.genjobs.gateway.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.team.MonthlyBudget;
import io.genjobs.gateway.team.TeamAdministration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the Grafana dashboard queries is one the gateway exports, once it has done
 * some work: a dashboard panel must never stay empty because of a typo or a renamed
 * metric. (ops/prometheus-check.sh goes further with a real Prometheus.)
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "spring.datasource.hikari.maximum-pool-size=10",
		"gateway.webhooks.enabled=true", "gateway.webhooks.poll-interval=100ms",
		// A schema of its own, and closed afterwards: its dispatcher and delivery worker
		// must not
		// take other test classes' jobs or deliveries.
		"spring.datasource.hikari.schema=gateway_dashboard", "spring.flyway.schemas=gateway_dashboard" })
@DirtiesContext
class DashboardMetricsTests {

	static final String DASHBOARD = "ops/grafana/dashboards/runcomfy-gateway.json";

	private static final Pattern METRIC = Pattern.compile("\\b((?:gateway|resilience4j|http_server)_[a-z0-9_]+)\\b");

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	TeamAdministration administration;

	@LocalManagementPort
	int managementPort;

	@Test
	void everyPanelQueriesAnExportedMetric() throws IOException {
		Set<String> queried = queriedMetrics();
		assertThat(queried).hasSizeGreaterThan(10);
		doSomeWork();
		String scrape = scrape();
		Set<String> exported = new TreeSet<>();
		scrape.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.forEach(exported::add);
		Set<String> missing = new TreeSet<>(queried);
		missing.removeAll(exported);
		assertThat(missing).as("dashboard metrics the gateway does not export").isEmpty();
	}

	static Set<String> queriedMetrics() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Path.of(DASHBOARD).toFile());
		Set<String> names = new TreeSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				Matcher matcher = METRIC.matcher(target.get("expr").stringValue());
				while (matcher.find()) {
					names.add(matcher.group(1));
				}
			}
		}
		return names;
	}

	/**
	 * A job of a team with a budget forwarded to the simulator to the end (its cost
	 * booked) with its job.succeeded delivered to a consumer, and a few refused requests.
	 */
	private void doSomeWork() {
		TestTeam team = this.teams.create();
		this.administration.update(team.id(), null, null, null, null, null, MonthlyBudget.of("100"));
		TestWebhookConsumer.Inbox inbox = TestWebhookConsumer.inbox();
		this.client.post()
			.uri("/webhooks/endpoints")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"url\": \"" + inbox.url() + "\", \"events\": [\"job.succeeded\"]}")
			.exchange()
			.expectStatus()
			.isCreated();
		String id = TestJobs.create(this.client, team, "dashboard");
		TestJobs.await(this.client, team, id, Set.of("succeeded"), Duration.ofSeconds(20));
		inbox.await(1, Duration.ofSeconds(20));
		this.client.post()
			.uri("/jobs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"input\": {}}")
			.exchange()
			.expectStatus()
			.isEqualTo(422);
		// The finished-job metrics are recorded right after the poller's commit.
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!(scrape().contains("gateway_jobs_duration_seconds_bucket")
				&& scrape().contains("gateway_webhook_delivery_lag_seconds_bucket")
				&& scrape().contains("gateway_spend_usd_total") && scrape().contains("gateway_budget_used_ratio"))
				&& System.nanoTime() < deadline) {
			TestJobs.sleep(50);
		}
	}

	private String scrape() {
		byte[] body = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return new String(body, StandardCharsets.UTF_8);
	}

}
