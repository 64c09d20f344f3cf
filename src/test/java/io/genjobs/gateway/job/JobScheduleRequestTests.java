package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code priority}, {@code deadline} and {@code Cancel-After} on {@code POST /jobs}: what
 * is accepted and shown on the job, and that every bad value is a 4xx problem that stores
 * nothing.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class JobScheduleRequestTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JsonMapper json;

	@Autowired
	JdbcTemplate jdbc;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create();
	}

	@Test
	void showsNormalPriorityAndNoDeadlineByDefault() {
		JsonNode job = accepted(body(""), null);
		assertThat(job.get("priority").asString()).isEqualTo("normal");
		assertThat(job.get("deadline").isNull()).isTrue();
		assertThat(job.get("warnings").isEmpty()).isTrue();
	}

	@Test
	void keepsThePriorityAndTheDeadlineGivenWithAnyOffset() {
		OffsetDateTime deadline = OffsetDateTime.now(ZoneOffset.ofHours(2))
			.plusHours(1)
			.truncatedTo(ChronoUnit.SECONDS);
		JsonNode job = accepted(body(", \"priority\": \"high\", \"deadline\": \"" + deadline + "\""), null);
		assertThat(job.get("priority").asString()).isEqualTo("high");
		assertThat(Instant.parse(job.get("deadline").asString())).isEqualTo(deadline.toInstant());
		JsonNode read = get(job.get("id").asString());
		assertThat(read.get("priority").asString()).isEqualTo("high");
		assertThat(Instant.parse(read.get("deadline").asString())).isEqualTo(deadline.toInstant());
		assertThat(this.jdbc.queryForObject("select priority from jobs where id = ?::uuid", Integer.class,
				job.get("id").asString()))
			.isZero();
	}

	@Test
	void takesTheDeadlineFromCancelAfter() {
		Instant before = Instant.now();
		JsonNode job = accepted(body(", \"priority\": \"low\""), "90");
		Instant deadline = Instant.parse(job.get("deadline").asString());
		assertThat(deadline).isBetween(before.plusSeconds(89), Instant.now().plusSeconds(91));
		assertThat(job.get("priority").asString()).isEqualTo("low");
	}

	/** What a client generated from the OpenAPI document sends for unset members. */
	@Test
	void acceptsTheEmptyWebhookEventsListOfAGeneratedClientWithoutAUrl() {
		JsonNode job = accepted(body(", \"webhook_events\": [], \"priority\": \"high\""), null);
		assertThat(job.get("webhook_events").isNull()).isTrue();
		problem(body(", \"webhook_events\": [\"job.succeeded\"]"), null, 422, "validation-failed", "webhook_events");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"tomorrow\"", "\"2030-01-01T12:00:00\"", "\"2030-01-01\"", "12345",
			"\"2000-01-01T00:00:00Z\"", "\"2999-01-01T00:00:00Z\"", "{}", "\"2030-13-01T00:00:00Z\"" })
	void refusesABadDeadlineAsAValidationProblem(String deadline) {
		problem(body(", \"deadline\": " + deadline), null, 422, "validation-failed", "deadline");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"urgent\"", "\"HIGH\"", "1", "true" })
	void refusesAnUnknownPriority(String priority) {
		problem(body(", \"priority\": " + priority), null, 422, "validation-failed", "priority");
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-5", "1.5", "soon", "604801", "99999999999999999999", "" })
	void refusesABadCancelAfter(String header) {
		problem(body(""), header, 400, "invalid-parameter", "Cancel-After");
	}

	@Test
	void refusesADeadlineGivenTwice() {
		String deadline = Instant.now().plus(Duration.ofHours(1)).toString();
		problem(body(", \"deadline\": \"" + deadline + "\""), "60", 400, "invalid-parameter", "Cancel-After");
	}

	private void problem(String body, String cancelAfter, int status, String slug, String field) {
		long before = count();
		byte[] answer = post(body, cancelAfter).expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.returnResult()
			.getResponseBody();
		JsonNode problem = this.json.readTree(answer);
		assertThat(problem.get("type").asString()).endsWith("/" + slug);
		assertThat(problem.toString()).contains(field);
		assertThat(count()).as("nothing stored").isEqualTo(before);
	}

	private long count() {
		return this.jdbc.queryForObject("select count(*) from jobs where team_id = ?", Long.class, this.team.id());
	}

	private JsonNode accepted(String body, String cancelAfter) {
		return this.json.readTree(
				post(body, cancelAfter).expectStatus().isAccepted().expectBody().returnResult().getResponseBody());
	}

	private JsonNode get(String id) {
		return this.json.readTree(this.client.get()
			.uri("/jobs/" + id)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
	}

	private WebTestClient.ResponseSpec post(String body, String cancelAfter) {
		WebTestClient.RequestBodySpec request = this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON);
		if (cancelAfter != null) {
			request = request.header("Cancel-After", cancelAfter);
		}
		return request.bodyValue(body).exchange();
	}

	private static String body(String more) {
		return """
				{"input": {"prompt": "scheduled", "image_urls": ["%s"]}%s}
				""".formatted(TestImageServer.png(400, 400), more);
	}

}
