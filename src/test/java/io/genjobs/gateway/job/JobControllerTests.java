package io.genjobs.gateway.job;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
@Import(TestTeamsWithKeys.class)
class JobControllerTests {

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
	void acceptsAJobFillsInDefaultsAndReadsItBack() {
		String body = """
				{"input": {"prompt": "a cat surfing", "image_urls": ["%s"]}, "metadata": {"order": 42}}
				""".formatted(TestImageServer.png(1024, 768));
		EntityExchangeResult<byte[]> created = post(this.team, body, null).expectStatus()
			.isAccepted()
			.expectHeader()
			.valueMatches("Location", "/jobs/[0-9a-f-]{36}")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("queued")
			.jsonPath("$.model")
			.isEqualTo("bytedance/dreamina-3-0/pro/image-to-video")
			.jsonPath("$.input.seed")
			.isEqualTo(-1)
			.jsonPath("$.input.frames")
			.isEqualTo(121)
			.jsonPath("$.input.prompt")
			.isEqualTo("a cat surfing")
			.jsonPath("$.metadata.order")
			.isEqualTo(42)
			.jsonPath("$.sequence")
			.isEqualTo(1)
			.jsonPath("$.output")
			.isEmpty()
			.jsonPath("$.error")
			.isEmpty()
			.returnResult();
		String location = created.getResponseHeaders().getLocation().toString();
		JsonNode job = this.json.readTree(created.getResponseBody());

		this.client.get()
			.uri(location)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(job.get("id").stringValue())
			.jsonPath("$.created_at")
			.isEqualTo(job.get("created_at").stringValue())
			.jsonPath("$.upstream.request_id")
			.isEmpty();

		this.client.get()
			.uri(location + "/history")
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1)
			.jsonPath("$[0].to")
			.isEqualTo("queued")
			.jsonPath("$[0].sequence")
			.isEqualTo(1);
	}

	@Test
	void keepsGivenValuesOverDefaultsAndAcceptsADataUri() {
		String body = """
				{"input": {"prompt": "p", "image_urls": ["%s"], "seed": 7, "frames": 241}}
				""".formatted(TestImageServer.pngDataUri(400, 400));
		post(this.team, body, null).expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.input.seed")
			.isEqualTo(7)
			.jsonPath("$.input.frames")
			.isEqualTo(241);
	}

	@Test
	void reportsEveryFailedFieldAtOnceAndStoresNothing() {
		String body = """
				{"input": {"prompt": "  ", "image_urls": ["%s"], "frames": 7, "colour": "red"},
				 "metadata": "not an object", "extra": 1}
				""".formatted(TestImageServer.png(320, 640));
		post(this.team, body, null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/validation-failed")
			.jsonPath("$.errors[?(@.field == 'input.prompt')]")
			.exists()
			.jsonPath("$.errors[?(@.field == 'input.frames')]")
			.exists()
			.jsonPath("$.errors[?(@.field == 'input.colour')]")
			.exists()
			.jsonPath("$.errors[?(@.field == 'input.image_urls[0]')].message")
			.isEqualTo("The shortest side must be at least 320 pixels.")
			.jsonPath("$.errors[?(@.field == 'metadata')]")
			.exists()
			.jsonPath("$.errors[?(@.field == 'extra')]")
			.exists();
		assertThat(countJobs(this.team)).isZero();
	}

	@Test
	void judgesTheShortestSideAtItsBoundary() {
		post(this.team, jobBody(TestImageServer.png(320, 321)), null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		post(this.team, jobBody(TestImageServer.png(321, 321)), null).expectStatus().isAccepted();
	}

	@Test
	void anImageThatCannotBeFetchedIsAValidationError() {
		post(this.team, jobBody(TestImageServer.url("/missing.png")), null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("input.image_urls[0]");
	}

	@Test
	void refusesAnUnknownModel() {
		post(this.team, """
				{"model": "acme/nope", "input": {"prompt": "p", "image_urls": ["%s"]}}
				""".formatted(TestImageServer.png(400, 400)), null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("model");
	}

	@Test
	void refusesMalformedJsonWrongTypesAndWrongContentType() {
		post(this.team, "{\"input\": ", null).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		post(this.team, "{\"input\": {}, \"input\": {}}", null).expectStatus().isBadRequest();
		post(this.team, "[1, 2]", null).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		post(this.team, "{\"input\": \"prompt\", \"model\": 5, \"webhook_events\": \"job.failed\"}", null)
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(3);
		this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("hello")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void refusesAnOversizedBodyWith413() {
		String prompt = "x".repeat(7 * 1024 * 1024);
		post(this.team, "{\"input\": {\"prompt\": \"" + prompt + "\"}}", null).expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void refusesAnOversizedChunkedBodyWith413() {
		byte[] chunk = "x".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		Flux<DataBuffer> body = Flux.concat(Flux.just("{\"input\": {\"prompt\": \""), Flux.range(0, 120).map((i) -> ""))
			.map((text) -> DefaultDataBufferFactory.sharedInstance
				.wrap(text.isEmpty() ? chunk : text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
		this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.body(body, DataBuffer.class)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void refusesMetadataOver4KiB() {
		String big = "y".repeat(4100);
		post(this.team, """
				{"input": {"prompt": "p", "image_urls": ["%s"]}, "metadata": {"note": "%s"}}
				""".formatted(TestImageServer.png(400, 400), big), null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("metadata");
	}

	/** Regression (found by PostJobsFuzzTests): these answered 500. */
	@Test
	void refusesAWebhookUrlWithAPortOutOfRange() {
		for (String port : new String[] { "0", "65536", "99999" }) {
			post(this.team, """
					{"input": {"prompt": "p", "image_urls": ["%s"]}, "webhook_url": "http://127.0.0.1:%s/hook"}
					""".formatted(TestImageServer.png(400, 400), port), null).expectStatus()
				.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("webhook_url")
				.jsonPath("$.errors[0].message")
				.value((message) -> assertThat((String) message).contains("out of range"));
		}
	}

	/**
	 * Regression (found by PostJobsFuzzTests): a U+0000 in a string answered 500
	 * (PostgreSQL's jsonb refuses it), and an unpaired surrogate stored the job, then
	 * answered 500 when the job could not be written as UTF-8 (with an Idempotency-Key,
	 * hashing the body failed first).
	 */
	@Test
	void refusesNulCharactersAndUnpairedSurrogatesAndStoresNothing() {
		String image = TestImageServer.png(400, 400);
		post(this.team, """
				{"input": {"prompt": "a\\u0000b", "image_urls": ["%s"]},
				 "metadata": {"note": "\\u0000", "a\\u0000b": 1}}
				""".formatted(image), null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[*].field")
			.value((fields) -> assertThat((List<Object>) fields).containsExactlyInAnyOrder("input.prompt",
					"metadata.note", "metadata[\"a\\u0000b\"]"))
			.jsonPath("$.errors[0].message")
			.isEqualTo("must not contain the NUL character (\\u0000)");
		for (String key : new String[] { null, "unpaired-surrogate" }) {
			post(this.team, """
					{"input": {"prompt": "a\\ud800b", "image_urls": ["%s"]}, "metadata": {"note": "\\udc00"}}
					""".formatted(image), key).expectStatus()
				.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.errors[*].field")
				.value((fields) -> assertThat((List<Object>) fields).containsExactlyInAnyOrder("input.prompt",
						"metadata.note"))
				.jsonPath("$.errors[0].message")
				.isEqualTo("is not valid Unicode: it has an unpaired surrogate (\\ud800)");
		}
		assertThat(countJobs(this.team)).isZero();
	}

	/**
	 * Regression (found by PostJobsFuzzTests): 1e400 read as infinity and came back in
	 * the job as the string "Infinity".
	 */
	@Test
	void refusesNumbersBeyondTheRangeOfADouble() {
		post(this.team, """
				{"input": {"prompt": "p", "image_urls": ["%s"]}, "metadata": {"n": 1e400, "list": [1, -1e400]}}
				""".formatted(TestImageServer.png(400, 400)), null).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[*].field")
			.value((fields) -> assertThat((List<Object>) fields).containsExactly("metadata.n", "metadata.list[1]"));
		assertThat(countJobs(this.team)).isZero();
	}

	@Test
	void anotherTeamsJobIsNotFound() {
		String id = createJob(this.team);
		TestTeam other = this.teams.create();
		this.client.get()
			.uri("/jobs/" + id)
			.header("Authorization", other.bearer())
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.client.get()
			.uri("/jobs/not-a-uuid")
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get()
			.uri("/jobs")
			.header("Authorization", other.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.length()")
			.isEqualTo(0);
	}

	@Test
	void sameIdempotencyKeyAndBodyReturnsTheOriginalJob() {
		String body = jobBody(TestImageServer.png(400, 400));
		String first = idOf(post(this.team, body, "key-1").expectStatus().isAccepted());
		String again = idOf(post(this.team, body, "key-1").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true"));
		assertThat(again).isEqualTo(first);
		assertThat(countJobs(this.team)).isEqualTo(1);
	}

	@Test
	void sameIdempotencyKeyWithAnotherBodyIsAConflict() {
		post(this.team, jobBody(TestImageServer.png(400, 400)), "key-2").expectStatus().isAccepted();
		post(this.team, jobBody(TestImageServer.png(500, 500)), "key-2").expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		// The key is the team's own: another team may use the same one.
		post(this.teams.create(), jobBody(TestImageServer.png(500, 500)), "key-2").expectStatus().isAccepted();
	}

	@Test
	void twentyConcurrentRetriesWithOneKeyMakeOneJob() throws Exception {
		String body = jobBody(TestImageServer.png(600, 400));
		List<Callable<EntityExchangeResult<byte[]>>> calls = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			calls.add(() -> post(this.team, body, "concurrent-key").expectBody().returnResult());
		}
		Set<String> ids = new HashSet<>();
		int created = 0;
		try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
			for (Future<EntityExchangeResult<byte[]>> result : pool.invokeAll(calls)) {
				EntityExchangeResult<byte[]> response = result.get();
				assertThat(response.getStatus().value()).isIn(200, 202);
				created += (response.getStatus().value() == 202) ? 1 : 0;
				ids.add(this.json.readTree(response.getResponseBody()).get("id").stringValue());
			}
		}
		assertThat(ids).hasSize(1);
		assertThat(created).isEqualTo(1);
		assertThat(countJobs(this.team)).isEqualTo(1);
	}

	@Test
	void refusesABadIdempotencyKey() {
		post(this.team, jobBody(TestImageServer.png(400, 400)), "k".repeat(256)).expectStatus().isBadRequest();
	}

	@Test
	void paginationStaysStableWhileJobsAreAdded() {
		List<String> original = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			original.add(0, createJob(this.team));
		}
		List<String> seen = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			JsonNode page = page("/jobs?limit=10" + ((cursor != null) ? "&cursor=" + cursor : ""));
			page.get("data").forEach((job) -> seen.add(job.get("id").stringValue()));
			cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
			// New jobs arrive between pages: they are newer, so later pages are
			// unaffected.
			createJob(this.team);
			createJob(this.team);
			pages++;
		}
		while (cursor != null && pages < 10);
		assertThat(seen.subList(0, 10)).doesNotContainAnyElementsOf(seen.subList(10, seen.size()));
		assertThat(seen).doesNotHaveDuplicates();
		assertThat(seen).containsExactlyElementsOf(original);
		assertThat(pages).isEqualTo(3);
	}

	@Test
	void filtersByStatusAndModelAndRefusesBadParameters() {
		createJob(this.team);
		assertThat(page("/jobs?status=queued").get("data")).hasSize(1);
		assertThat(page("/jobs?status=succeeded").get("data")).isEmpty();
		assertThat(page("/jobs?model=bytedance/dreamina-3-0/pro/image-to-video").get("data")).hasSize(1);
		assertThat(page("/jobs?model=other").get("data")).isEmpty();
		for (String bad : List.of("/jobs?status=done", "/jobs?limit=0", "/jobs?limit=101", "/jobs?limit=x",
				"/jobs?cursor=garbage")) {
			this.client.get()
				.uri(bad)
				.header("Authorization", this.team.bearer())
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
	}

	@Test
	void capsTheTeamsQueuedJobs() {
		TestTeam small = this.teams.create(1000, 2);
		createJob(small);
		createJob(small);
		post(small, jobBody(TestImageServer.png(400, 400)), null).expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.exists("Retry-After")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/queue-full");
		assertThat(countJobs(small)).isEqualTo(2);
	}

	@Test
	void holdsTheQueuedCapExactlyUnderConcurrentRequests() throws Exception {
		// Near the cap requests count under the team's advisory lock, in the transaction
		// that inserts: twenty at once must leave exactly the cap, never one more.
		TestTeam small = this.teams.create(1000, 5);
		String body = jobBody(TestImageServer.png(400, 400));
		List<Callable<Integer>> calls = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			calls.add(() -> post(small, body, null).expectBody().returnResult().getStatus().value());
		}
		int accepted = 0;
		int full = 0;
		try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
			for (Future<Integer> status : pool.invokeAll(calls)) {
				accepted += (status.get() == 202) ? 1 : 0;
				full += (status.get() == 429) ? 1 : 0;
			}
		}
		assertThat(accepted).isEqualTo(5);
		assertThat(full).isEqualTo(15);
		assertThat(countJobs(small)).isEqualTo(5);
	}

	private JsonNode page(String uri) {
		byte[] body = this.client.get()
			.uri(uri)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(body);
	}

	private String createJob(TestTeam team) {
		return idOf(post(team, jobBody(TestImageServer.png(400, 400)), null).expectStatus().isAccepted());
	}

	private String idOf(WebTestClient.ResponseSpec response) {
		byte[] body = response.expectBody().returnResult().getResponseBody();
		return this.json.readTree(body).get("id").stringValue();
	}

	private static String jobBody(String imageUrl) {
		return """
				{"input": {"prompt": "a lighthouse at dusk", "image_urls": ["%s"]}}
				""".formatted(imageUrl);
	}

	private WebTestClient.ResponseSpec post(TestTeam team, String body, String idempotencyKey) {
		WebTestClient.RequestBodySpec request = this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON);
		if (idempotencyKey != null) {
			request = request.header("Idempotency-Key", idempotencyKey);
		}
		return request.bodyValue(body).exchange();
	}

	private int countJobs(TestTeam team) {
		return this.jdbc.queryForObject("select count(*) from jobs where team_id = ?", Integer.class, team.id());
	}

}
