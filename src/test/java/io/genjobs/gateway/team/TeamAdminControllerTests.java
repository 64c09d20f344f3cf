package io.genjobs.gateway.team;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.list;
import static org.assertj.core.api.InstanceOfAssertFactories.map;

@IntegrationTest
class TeamAdminControllerTests {

	private static final String ADMIN_TOKEN = "test-admin-token";

	private static final String PROBLEMS = "https://runcomfy-gateway.genjobs.io/problems/";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void shouldCreateTeamWithDefaultLimits() {
		String name = UniqueTeams.uniqueName("defaults");

		Map<String, Object> team = this.client.post()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("name", name))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();

		assertThat(team).containsOnlyKeys("id", "name", "rate_limit_per_second", "max_queued_jobs", "created_at",
				"updated_at", "disabled", "disabled_at", "allowed_models", "monthly_budget_usd",
				"output_retention_days");
		assertThat(team).containsEntry("disabled", false).containsEntry("disabled_at", null);
		assertThat(team).containsEntry("allowed_models", null);
		assertThat(team).containsEntry("name", name)
			.containsEntry("rate_limit_per_second", 50)
			.containsEntry("max_queued_jobs", 1000);
		assertThat(team.get("created_at")).isEqualTo(team.get("updated_at"));
		assertThat((String) team.get("created_at")).endsWith("Z");
	}

	@Test
	void shouldAnswerCreatedTeamWithItsLocation() {
		String name = UniqueTeams.uniqueName("located");

		String location = this.client.post()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("name", name, "rate_limit_per_second", 5, "max_queued_jobs", 12))
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();

		assertThat(location).matches("/admin/teams/[0-9a-f-]{36}");
		this.client.get()
			.uri(location)
			.headers(bearer(ADMIN_TOKEN))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo(name)
			.jsonPath("$.rate_limit_per_second")
			.isEqualTo(5)
			.jsonPath("$.max_queued_jobs")
			.isEqualTo(12);
	}

	@Test
	void shouldListTeams() {
		TeamView first = UniqueTeams.create(this.administration, "listed", null);
		TeamView second = UniqueTeams.create(this.administration, "listed", null);

		this.client.get()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[?(@.id == '%s')].name".formatted(first.id()))
			.isEqualTo(List.of(first.name()))
			.jsonPath("$.data[?(@.id == '%s')].name".formatted(second.id()))
			.isEqualTo(List.of(second.name()));
	}

	@Test
	void shouldPatchOnlyTheGivenFields() {
		TeamView team = this.administration.create(UniqueTeams.uniqueName("patched"), 3, 30);

		this.client.patch()
			.uri("/admin/teams/{id}", team.id())
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("rate_limit_per_second", 9))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo(team.name())
			.jsonPath("$.rate_limit_per_second")
			.isEqualTo(9)
			.jsonPath("$.max_queued_jobs")
			.isEqualTo(30)
			.jsonPath("$.created_at")
			.value((createdAt) -> assertThat(Instant.parse((String) createdAt)).isEqualTo(team.createdAt()))
			.jsonPath("$.updated_at")
			.value((updatedAt) -> assertThat(Instant.parse((String) updatedAt)).isAfter(team.updatedAt()));

		String newName = UniqueTeams.uniqueName("renamed");
		this.client.patch()
			.uri("/admin/teams/{id}", team.id())
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("name", newName, "max_queued_jobs", 31))
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.administration.get(team.id())).satisfies((changed) -> {
			assertThat(changed.name()).isEqualTo(newName);
			assertThat(changed.rateLimitPerSecond()).isEqualTo(9);
			assertThat(changed.maxQueuedJobs()).isEqualTo(31);
		});
	}

	@Test
	void shouldSetChangeAndRemoveAMonthlyBudget() {
		String name = UniqueTeams.uniqueName("budgeted");
		post("{\"name\": \"" + name + "\", \"monthly_budget_usd\": 250.5}").expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.monthly_budget_usd")
			.isEqualTo(250.5);
		TeamView team = this.administration.list()
			.stream()
			.filter((t) -> t.name().equals(name))
			.findFirst()
			.orElseThrow();
		assertThat(team.monthlyBudgetUsd()).isEqualByComparingTo("250.5");

		patchBudget(team, "{\"rate_limit_per_second\": 4}");
		assertThat(this.administration.get(team.id()).monthlyBudgetUsd()).as("absent keeps it")
			.isEqualByComparingTo("250.5");
		patchBudget(team, "{\"monthly_budget_usd\": 0.01}");
		assertThat(this.administration.get(team.id()).monthlyBudgetUsd()).isEqualByComparingTo("0.01");
		patchBudget(team, "{\"monthly_budget_usd\": null}");
		assertThat(this.administration.get(team.id()).monthlyBudgetUsd()).as("null removes it").isNull();
	}

	@Test
	void shouldRefuseABudgetThatIsNotAnAmountOfUsd() {
		String field = "monthly_budget_usd";
		expectInvalid(post("{\"name\": \"b1\", \"monthly_budget_usd\": \"100\"}"),
				Map.of(field, "must be a number of USD, or null for no limit"));
		expectInvalid(post("{\"name\": \"b2\", \"monthly_budget_usd\": -1}"),
				Map.of(field, "must be between 0 and 1000000000"));
		expectInvalid(post("{\"name\": \"b3\", \"monthly_budget_usd\": 1e12}"),
				Map.of(field, "must be between 0 and 1000000000"));
		expectInvalid(post("{\"name\": \"b4\", \"monthly_budget_usd\": 0.0000001}"),
				Map.of(field, "must have at most 6 decimal places"));
	}

	private void patchBudget(TeamView team, String json) {
		this.client.patch()
			.uri("/admin/teams/{id}", team.id())
			.headers(bearer(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json)
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void shouldRefuseDuplicateNameWith409() {
		TeamView existing = UniqueTeams.create(this.administration, "taken", null);
		TeamView other = UniqueTeams.create(this.administration, "other", null);

		this.client.post()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("name", "  " + existing.name() + " "))
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "duplicate-team-name");

		this.client.patch()
			.uri("/admin/teams/{id}", other.id())
			.headers(bearer(ADMIN_TOKEN))
			.bodyValue(Map.of("name", existing.name()))
			.exchange()
			.expectStatus()
			.isEqualTo(409);
	}

	@Test
	void shouldListEveryInvalidFieldAtOnce() {
		this.client.post()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"name": "   ", "rate_limit_per_second": 0, "max_queued_jobs": "ten", "colour": "red"}
					""")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "validation-failed")
			.jsonPath("$.errors[*].field")
			.value((fields) -> assertThat(fields).asInstanceOf(LIST)
				.containsExactlyInAnyOrder("colour", "name", "rate_limit_per_second", "max_queued_jobs"));
	}

	@Test
	void shouldRefuseMissingOrTooLongNameAndWrongNumbers() {
		expectInvalid(post("""
				{"rate_limit_per_second": 2.5, "max_queued_jobs": -3}
				"""), Map.of("name", "is required", "rate_limit_per_second", "must be an integer", "max_queued_jobs",
				"must be a positive integer"));
		expectInvalid(post("{\"name\": \"" + "x".repeat(101) + "\", \"max_queued_jobs\": 99999999999}"),
				Map.of("name", "must be at most 100 characters", "max_queued_jobs", "must be at most 2147483647"));
		expectInvalid(post("{\"name\": 42}"), Map.of("name", "must be a string"));
		expectInvalid(post("[]"), Map.of("(body)", "must be a JSON object"));
	}

	@Test
	void shouldRefuseNullsInPatch() {
		TeamView team = UniqueTeams.create(this.administration, "null-patch", null);

		expectInvalid(
				this.client.patch()
					.uri("/admin/teams/{id}", team.id())
					.headers(bearer(ADMIN_TOKEN))
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"name\": null, \"rate_limit_per_second\": null, \"id\": \"x\"}")
					.exchange(),
				Map.of("name", "must not be null", "rate_limit_per_second", "must not be null", "id",
						"is not a known field"));
	}

	@Test
	void shouldAnswer404ForUnknownTeam() {
		for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid")) {
			this.client.get()
				.uri("/admin/teams/{id}", id)
				.headers(bearer(ADMIN_TOKEN))
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(PROBLEMS + "team-not-found");
		}
		this.client.post()
			.uri("/admin/teams/{id}/keys", UUID.randomUUID())
			.headers(bearer(ADMIN_TOKEN))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void shouldShowIssuedKeyOnceAndStoreOnlyItsHash() {
		TeamView team = UniqueTeams.create(this.administration, "keyed", null);

		Map<String, Object> issued = this.client.post()
			.uri("/admin/teams/{id}/keys", team.id())
			.headers(bearer(ADMIN_TOKEN))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();

		assertThat(issued).containsOnlyKeys("id", "key", "prefix", "created_at");
		String key = (String) issued.get("key");
		assertThat(key).matches("rcg_[A-Za-z0-9_-]{43}");
		assertThat(key).startsWith((String) issued.get("prefix"));
		assertThat((String) issued.get("prefix")).hasSizeLessThan(key.length() / 2);

		Map<String, Object> listing = this.client.get()
			.uri("/admin/teams/{id}/keys", team.id())
			.headers(bearer(ADMIN_TOKEN))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();
		assertThat(listing.toString()).doesNotContain(key);
		assertThat(listing.get("data")).asInstanceOf(list(Map.class))
			.singleElement()
			.asInstanceOf(map(String.class, Object.class))
			.containsOnlyKeys("id", "prefix", "created_at", "revoked_at")
			.containsEntry("id", issued.get("id"))
			.containsEntry("prefix", issued.get("prefix"))
			.containsEntry("created_at", issued.get("created_at"))
			.containsEntry("revoked_at", null);

		Map<String, Object> row = this.jdbc.queryForMap("select * from api_keys where id = ?",
				UUID.fromString((String) issued.get("id")));
		assertThat(row.values()).allSatisfy((value) -> assertThat(String.valueOf(value)).doesNotContain(key));
		assertThat(row.get("key_hash")).isEqualTo(ApiKeySecrets.hash(key));
		assertThat((String) row.get("key_hash")).matches("[0-9a-f]{64}");
	}

	@Test
	void shouldRevokeKeyWith204AndAnswer404ForUnknownKey() {
		TeamView team = UniqueTeams.create(this.administration, "revoking", null);
		IssuedKey key = this.administration.issueKey(team.id());

		this.client.delete()
			.uri("/admin/keys/{id}", key.id())
			.headers(bearer(ADMIN_TOKEN))
			.exchange()
			.expectStatus()
			.isNoContent()
			.expectBody()
			.isEmpty();
		assertThat(this.administration.keys(team.id())).singleElement()
			.satisfies((view) -> assertThat(view.revokedAt()).isNotNull());
		assertThat(this.administration.authenticate(key.key())).isEmpty();

		for (String id : List.of(UUID.randomUUID().toString(), "nope")) {
			this.client.delete()
				.uri("/admin/keys/{id}", id)
				.headers(bearer(ADMIN_TOKEN))
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(PROBLEMS + "api-key-not-found");
		}
	}

	@Test
	void shouldRefuseTeamKeyOnAdminRoutesWith403() {
		TeamView team = UniqueTeams.create(this.administration, "not-admin", null);
		String key = this.administration.issueKey(team.id()).key();

		this.client.get()
			.uri("/admin/teams")
			.headers(bearer(key))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "admin-access-denied")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).doesNotContain(key));
	}

	@Test
	void shouldRefuseWrongOrMissingAdminTokenWith401() {
		for (String token : List.of("test-admin-token-but-longer", "test-admin-toke", "rcg_AAAAAAAAAAAAAAAAAAAAAA")) {
			this.client.get()
				.uri("/admin/teams")
				.headers(bearer(token))
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(PROBLEMS + "unauthenticated")
				.jsonPath("$.detail")
				.value((detail) -> assertThat((String) detail).doesNotContain(token));
		}
		this.client.post()
			.uri("/admin/teams")
			.bodyValue(Map.of("name", "anonymous"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	private WebTestClient.ResponseSpec post(String json) {
		return this.client.post()
			.uri("/admin/teams")
			.headers(bearer(ADMIN_TOKEN))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json)
			.exchange();
	}

	private static void expectInvalid(WebTestClient.ResponseSpec response, Map<String, String> messages) {
		Map<String, Object> problem = response.expectStatus()
			.isEqualTo(422)
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();
		@SuppressWarnings("unchecked")
		List<Map<String, String>> errors = (List<Map<String, String>>) problem.get("errors");
		assertThat(errors).extracting((error) -> error.get("field"))
			.containsExactlyInAnyOrderElementsOf(messages.keySet());
		errors.forEach((error) -> assertThat(error.get("message")).isEqualTo(messages.get(error.get("field"))));
	}

}
