package io.genjobs.gateway.catalog;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.catalog.FakeCatalog.Mode;
import io.genjobs.gateway.job.JobLifecycle.DispatchTicket;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestInstances;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.team.AllowedModels;
import io.genjobs.gateway.team.TeamAdministration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog synced from a fake RunComfy over HTTP on loopback, into a schema of its
 * own: start-up while RunComfy hangs, the first sync, paging and filters of
 * {@code GET /models}, a schema the gateway cannot honour, a failing RunComfy, a refresh
 * that changes a schema under a queued job and drops a model, a restart during the
 * outage, and two instances serving the same copy. The steps build on each other, in
 * order.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogSyncTests {

	static final String DREAMINA = CatalogSettings.DEFAULT_MODEL;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final FakeCatalog runComfy = FakeCatalog.start();

	static {
		runComfy.put(entry("acme/text-to-image", "text-to-image", "output", textSchema(false)));
		runComfy.put(entry("acme/image-to-video", "image-to-video", "second", textSchema(false)));
		runComfy.put(entry("acme/broken", "text-to-image", "output", brokenSchema()));
		runComfy.put(entry("other/hidden", "text-to-image", "output", textSchema(false)));
		ObjectNode dreamina = entry(DREAMINA, "image-to-video", "second", textSchema(false));
		dreamina.put("display_name", "Dreamina (synced)").put("base_price_usd", 0.1);
		runComfy.put(dreamina);
		// Start-up meets a RunComfy that never answers.
		runComfy.mode(Mode.HANG);
	}

	private static ConfigurableApplicationContext second;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	TeamAdministration administration;

	@Autowired
	CatalogSync sync;

	@Autowired
	CatalogStore store;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	HikariDataSource dataSource;

	@Autowired
	CatalogHealthIndicator health;

	@DynamicPropertySource
	static void syncFromTheFake(DynamicPropertyRegistry registry) {
		properties().forEach((name, value) -> registry.add(name, () -> value));
	}

	private static Map<String, String> properties() {
		Map<String, String> properties = new HashMap<>();
		properties.put("gateway.simulator.enabled", "false");
		properties.put("gateway.runcomfy.base-url", runComfy.baseUrl());
		properties.put("gateway.runcomfy.api-token", "catalog-token");
		properties.put("gateway.runcomfy.response-timeout", "1s");
		properties.put("gateway.catalog.refresh-interval", "1h");
		// Only the start-up sync runs by itself; the test syncs when it wants.
		properties.put("gateway.catalog.check-interval", "1h");
		properties.put("gateway.catalog.page-size", "2");
		properties.put("gateway.catalog.enabled-models", "acme/*," + DREAMINA);
		properties.put("spring.datasource.hikari.maximum-pool-size", "6");
		properties.put("spring.datasource.hikari.schema", "gateway_catalog");
		properties.put("spring.flyway.schemas", "gateway_catalog");
		return properties;
	}

	@AfterAll
	static void stopEverything() {
		if (second != null) {
			second.close();
		}
		runComfy.close();
	}

	@Test
	@Order(1)
	void shouldStartAndServeTheLocalModelsWhileRunComfyHangs() {
		TestTeam team = this.teams.create();
		await(() -> runComfy.listCalls() >= 1);
		assertThat(ids(this.client, team)).containsExactly(DREAMINA);
		// The hanging call runs into the response timeout; the failure is recorded.
		await(() -> this.sync.state() != null && this.sync.state().consecutiveFailures() >= 1);
		assertThat(this.sync.state().lastSuccessAt()).isNull();
		assertThat(this.sync.state().lastFailure()).contains("no answer within 1000 ms");
		assertThat(this.health.health().getDetails()).containsEntry("age_seconds", "never synced");
		runComfy.mode(Mode.ANSWER);
	}

	@Test
	@Order(2)
	void shouldSyncEveryPageAndMakeOnlyTheUnusableModelUnavailable() {
		TestTeam team = this.teams.create();
		syncNow();

		assertThat(ids(this.client, team)).containsExactly("acme/broken", "acme/image-to-video", "acme/text-to-image",
				DREAMINA);
		JsonNode broken = model(team, "acme/broken");
		assertThat(broken.get("available").booleanValue()).isFalse();
		assertThat(broken.get("unavailable_reason").stringValue()).contains("depth_pixels>");
		assertThat(broken.get("source").stringValue()).isEqualTo("runcomfy");
		JsonNode text = model(team, "acme/text-to-image");
		assertThat(text.get("available").booleanValue()).isTrue();
		assertThat(text.get("base_price_usd").decimalValue()).isEqualByComparingTo("0.02");
		assertThat(text.get("price_unit").stringValue()).isEqualTo("output");
		assertThat(text.get("categories").get(0).stringValue()).isEqualTo("text-to-image");
		// The local file pins its schema; what it leaves out comes from the synced entry.
		JsonNode dreamina = model(team, DREAMINA);
		assertThat(dreamina.get("source").stringValue()).isEqualTo("local");
		assertThat(dreamina.get("input_schema").get("required").get(1).stringValue()).isEqualTo("image_urls");
		assertThat(dreamina.get("display_name").stringValue()).isEqualTo("Dreamina (synced)");
		assertThat(dreamina.get("base_price_usd").decimalValue()).isEqualByComparingTo("0.1");
		assertThat(dreamina.get("price_unit").stringValue()).isEqualTo("second");

		// Enabled-models leaves other/hidden out, whatever RunComfy lists.
		this.client.get()
			.uri("/models/other/hidden")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isNotFound();
		postJob(team, "other/hidden", "{\"prompt\": \"x\"}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("model");
		postJob(team, "acme/broken", "{\"prompt\": \"x\"}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/model-unavailable")
			.jsonPath("$.unavailable_reason")
			.value((reason) -> assertThat((String) reason).contains("depth_pixels>"));
		postJob(team, "acme/text-to-image", "{\"prompt\": \"a cat\"}").expectStatus().isAccepted();

		assertThat(this.meters.get("gateway.catalog.models")
			.tag("source", "runcomfy")
			.tag("availability", "unavailable")
			.gauge()
			.value()).isEqualTo(1);
		assertThat(this.meters.get("gateway.catalog.age").gauge().value()).isBetween(0.0, 60.0);
		assertThat(this.health.health().getDetails()).containsEntry("unavailable", 1L)
			.containsEntry("listed_by_runcomfy", 5);
	}

	@Test
	@Order(3)
	void shouldPageAndFilterTheModels() {
		TestTeam team = this.teams.create();
		JsonNode first = page(team, "/models?limit=3");
		assertThat(first.get("data")).extracting((m) -> m.get("id").stringValue())
			.containsExactly("acme/broken", "acme/image-to-video", "acme/text-to-image");
		String cursor = first.get("next_cursor").stringValue();
		JsonNode rest = page(team, "/models?limit=3&cursor=" + cursor);
		assertThat(rest.get("data")).extracting((m) -> m.get("id").stringValue()).containsExactly(DREAMINA);
		assertThat(rest.get("next_cursor").isNull()).isTrue();
		assertThat(page(team, "/models?category=image-to-video").get("data"))
			.extracting((m) -> m.get("id").stringValue())
			.containsExactly("acme/image-to-video", DREAMINA);
		assertThat(page(team, "/models?search=BROKEN").get("data")).extracting((m) -> m.get("id").stringValue())
			.containsExactly("acme/broken");
		this.client.get()
			.uri("/models?cursor=not-a-cursor")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/invalid-parameter");
	}

	@Test
	@Order(4)
	void shouldNarrowATeamToItsAllowedModels() {
		TestTeam team = this.teams.create();
		this.administration.update(team.id(), null, null, null, null, AllowedModels.only("acme/text-*"));
		assertThat(ids(this.client, team)).containsExactly("acme/text-to-image");
		this.client.get()
			.uri("/models/" + DREAMINA)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isNotFound();
		postJob(team, null, "{\"prompt\": \"x\", \"image_urls\": [\"https://example.com/a.png\"]}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("model");
		postJob(team, "acme/text-to-image", "{\"prompt\": \"allowed\"}").expectStatus().isAccepted();

		this.administration.update(team.id(), null, null, null, null, AllowedModels.all());
		assertThat(ids(this.client, team)).contains(DREAMINA, "acme/text-to-image");
	}

	@Test
	@Order(5)
	void shouldKeepTheLastGoodCopyWhenRunComfyFails() {
		TestTeam team = this.teams.create();
		double failures = this.meters.get("gateway.catalog.sync.failures").counter().count();
		runComfy.mode(Mode.FAIL);
		this.sync.syncNow();

		assertThat(this.meters.get("gateway.catalog.sync.failures").counter().count()).isEqualTo(failures + 1);
		assertThat(this.sync.state().lastFailure()).contains("HTTP 500");
		assertThat(ids(this.client, team)).contains("acme/text-to-image");
		assertThat(model(team, "acme/text-to-image").get("available").booleanValue()).isTrue();
		runComfy.mode(Mode.ANSWER);
	}

	@Test
	@Order(6)
	void shouldLetAQueuedJobKeepItsSchemaWhenTheCatalogChanges() {
		TestTeam team = this.teams.create();
		String id = postJob(team, "acme/text-to-image", "{\"prompt\": \"keep my schema\"}").expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.stringValue();
		Map<String, Object> accepted = this.jdbc
			.queryForMap("select schema_hash, schema_fetched_at from jobs where id = ?", UUID.fromString(id));
		assertThat(accepted.get("schema_hash")).isEqualTo(ModelCatalog.schemaHash(textSchema(false)));
		assertThat(accepted.get("schema_fetched_at")).isNotNull();

		// RunComfy now requires a field the queued job lacks, and drops a model.
		runComfy.put(entry("acme/text-to-image", "text-to-image", "output", textSchema(true)));
		runComfy.remove("acme/image-to-video");
		syncNow();

		assertThat(model(team, "acme/text-to-image").get("input_schema").get("required")).hasSize(2);
		JsonNode dropped = model(team, "acme/image-to-video");
		assertThat(dropped.get("available").booleanValue()).isFalse();
		assertThat(dropped.get("unavailable_reason").stringValue()).contains("no longer lists");
		postJob(team, "acme/text-to-image", "{\"prompt\": \"new job\"}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("input.style");

		// The queued job is not re-validated: it keeps its hash and is dispatched as it
		// is.
		assertThat(this.jdbc.queryForObject("select schema_hash from jobs where id = ?", String.class,
				UUID.fromString(id)))
			.isEqualTo(accepted.get("schema_hash"));
		List<DispatchTicket> claimed = this.lifecycle.claimForDispatch("catalog-test", 100, 1000,
				Duration.ofSeconds(30));
		assertThat(claimed).filteredOn((ticket) -> ticket.jobId().equals(UUID.fromString(id)))
			.singleElement()
			.satisfies((ticket) -> assertThat(json.readTree(ticket.inputJson()))
				.isEqualTo(json.readTree("{\"prompt\": \"keep my schema\"}")));
	}

	@Test
	@Order(7)
	void shouldServeTheStoredCopyAfterARestartDuringAnOutageOnEveryInstance() {
		TestTeam team = this.teams.create();
		runComfy.mode(Mode.FAIL);
		int calls = runComfy.listCalls();
		Map<String, Object> arguments = new HashMap<>(properties());
		second = TestInstances.start(this.dataSource, arguments);
		WebTestClient secondClient = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(TIMEOUT)
			.build();

		// At once, before its own (failing) start-up sync: the copy in the database.
		assertThat(availability(secondClient, team)).isEqualTo(availability(this.client, team))
			.containsEntry("acme/text-to-image", true)
			.containsEntry("acme/broken", false);
		await(() -> runComfy.listCalls() > calls);
		CatalogSync secondSync = second.getBean(CatalogSync.class);
		await(() -> secondSync.state() != null && secondSync.state().lastFailure() != null
				&& secondSync.state().lastFailure().contains("HTTP 500"));
		assertThat(availability(secondClient, team)).isEqualTo(availability(this.client, team));

		// One instance at a time: a held lease keeps the other out.
		this.jdbc.update("update catalog_sync set lease_owner = null, lease_until = null");
		assertThat(this.store.claim("instance-a", Duration.ofMinutes(1), true)).isTrue();
		assertThat(second.getBean(CatalogStore.class).claim("instance-b", Duration.ofMinutes(1), true)).isFalse();
		this.jdbc.update("update catalog_sync set lease_owner = null, lease_until = null");
		runComfy.mode(Mode.ANSWER);
	}

	private void syncNow() {
		java.time.Instant before = (this.sync.state() != null) ? this.sync.state().lastSuccessAt() : null;
		await(() -> {
			this.sync.syncNow();
			java.time.Instant after = this.sync.state().lastSuccessAt();
			return after != null && !after.equals(before);
		});
	}

	private WebTestClient.ResponseSpec postJob(TestTeam team, String model, String input) {
		ObjectNode body = json.createObjectNode();
		if (model != null) {
			body.put("model", model);
		}
		body.set("input", json.readTree(input));
		return this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.bodyValue(json.writeValueAsString(body))
			.header("Content-Type", "application/json")
			.exchange();
	}

	private JsonNode model(TestTeam team, String id) {
		return this.client.get()
			.uri("/models/" + id)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	private JsonNode page(TestTeam team, String uri) {
		return page(this.client, team, uri);
	}

	private static JsonNode page(WebTestClient client, TestTeam team, String uri) {
		return client.get()
			.uri(uri)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	private static List<String> ids(WebTestClient client, TestTeam team) {
		return page(client, team, "/models?limit=100").get("data")
			.valueStream()
			.map((m) -> m.get("id").stringValue())
			.toList();
	}

	private static Map<String, Boolean> availability(WebTestClient client, TestTeam team) {
		Map<String, Boolean> available = new java.util.TreeMap<>();
		page(client, team, "/models?limit=100").get("data")
			.forEach((m) -> available.put(m.get("id").stringValue(), m.get("available").booleanValue()));
		return available;
	}

	private static void await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("waited " + TIMEOUT + " for the condition").isNegative();
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	static ObjectNode entry(String id, String category, String priceUnit, JsonNode inputSchema) {
		ObjectNode entry = json.createObjectNode();
		entry.put("model_id", id).put("display_name", id + " (synced)").put("kind", "model");
		entry.putArray("categories").add(category);
		entry.put("base_price_usd", 0.02).put("price_unit", priceUnit).put("pricing_note", "test price");
		entry.set("input_schema", inputSchema);
		return entry;
	}

	static JsonNode textSchema(boolean styleRequired) {
		return json.readTree(styleRequired ? """
				{"type": "object", "required": ["prompt", "style"],
				 "properties": {"prompt": {"type": "string", "maxLength": 100}, "style": {"type": "string"}}}""" : """
				{"type": "object", "required": ["prompt"],
				 "properties": {"prompt": {"type": "string", "maxLength": 100}}}""");
	}

	static JsonNode brokenSchema() {
		return json.readTree("""
				{"type": "object", "required": ["image_urls"],
				 "properties": {"image_urls": {"type": "array", "items": {"type": "string", "format": "image_uri"},
				   "validations": [{"validation_rule": "depth_pixels>", "validation_value": 1,
				                    "validation_error": "too shallow"}]}}}""");
	}

}
