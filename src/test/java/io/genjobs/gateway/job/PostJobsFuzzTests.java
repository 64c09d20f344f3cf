package io.genjobs.gateway.job;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.fuzz.FuzzCase;
import io.genjobs.gateway.support.fuzz.PostJobsRequestGenerator;
import io.genjobs.gateway.support.fuzz.RawHttp;
import io.genjobs.gateway.support.fuzz.RawHttp.Result;
import io.genjobs.gateway.support.fuzz.RawRequest;
import io.genjobs.gateway.support.fuzz.RawRequest.Framing;
import io.genjobs.gateway.support.fuzz.RawRequest.Header;
import io.genjobs.gateway.support.fuzz.RawResponse;

import static io.genjobs.gateway.support.fuzz.RawHttp.ascii;
import static io.genjobs.gateway.support.fuzz.RawHttp.preview;
import static io.genjobs.gateway.support.fuzz.RawHttp.replace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded fuzz test of {@code POST /jobs}: thousands of malformed bodies, headers and
 * inputs, sent concurrently over raw HTTP/1.1 (so that any byte can be sent), and one
 * property checked on every answer: never a 5xx; every error is
 * {@code application/problem+json} with {@code type}, {@code title}, {@code status} (the
 * HTTP status) and {@code detail}, a 422 lists its {@code errors}; a success is a
 * {@code queued} job.
 * <p>
 * Every case is generated from its own seed, derived from the run's seed and its index.
 * By default a run uses a fixed seed and a random one; {@code -Dfuzz.seed=<seed>} replays
 * a run, {@code -Dfuzz.case=<case seed>} replays one case, {@code -Dfuzz.iterations=<n>}
 * sets the number of cases ({@link FuzzCase}). Failure messages name both seeds. The
 * requests are made by {@link PostJobsRequestGenerator} and sent by {@link RawHttp}.
 * <p>
 * Network rule: the only URLs with a host that are generated name 127.0.0.1 or ::1 (the
 * test image server, or loopback ports the outbound guard refuses without connecting);
 * everything else cannot be parsed as a URL with a host at all (random text never
 * contains a {@code ':'}). Nothing is ever resolved or fetched beyond 127.0.0.0/8 and
 * ::1.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class PostJobsFuzzTests {

	private static final long DEFAULT_SEED = 0x6A0B5F022EEDL;

	private static final int DEFAULT_ITERATIONS = 3000;

	private static final int CONCURRENCY = 16;

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	TestTeamsWithKeys teams;

	TestTeam team;

	@BeforeEach
	void newTeam() {
		this.team = this.teams.create(1_000_000, 1_000_000);
	}

	@Test
	void postJobsNeverAnswers5xxAndAnswersEveryErrorAsProblemJson() throws Exception {
		List<FuzzCase> cases = FuzzCase.fromSystemProperties(DEFAULT_SEED, DEFAULT_ITERATIONS);
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		Map<String, Map<Integer, AtomicInteger>> byGenerator = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		long started = System.nanoTime();
		try (ExecutorService executor = Executors.newFixedThreadPool(CONCURRENCY)) {
			List<Future<?>> runs = new ArrayList<>();
			for (FuzzCase fuzzCase : cases) {
				runs.add(executor.submit(() -> {
					RawRequest request = generate(fuzzCase.caseSeed());
					Result result = exchange(request);
					int status = (result.response() != null) ? result.response().status() : -1;
					statuses.computeIfAbsent(status, (s) -> new AtomicInteger()).incrementAndGet();
					byGenerator.computeIfAbsent(request.generator(), (g) -> new ConcurrentHashMap<>())
						.computeIfAbsent(status, (s) -> new AtomicInteger())
						.incrementAndGet();
					List<String> violations = violations(request, result);
					if (!violations.isEmpty()) {
						failures.add(fuzzCase.replay() + ": " + String.join("; ", violations) + "\n    request: "
								+ request.describe() + "\n    answer: " + result.describe());
					}
				}));
			}
			for (Future<?> run : runs) {
				run.get();
			}
		}
		long millis = (System.nanoTime() - started) / 1_000_000;
		String seeds = cases.stream()
			.map(FuzzCase::runSeed)
			.distinct()
			.map(String::valueOf)
			.collect(Collectors.joining(", "));
		String histogram = new TreeMap<>(statuses).toString();
		StringBuilder summary = new StringBuilder().append("POST /jobs fuzz: ")
			.append(cases.size())
			.append(" cases, run seeds [")
			.append(seeds)
			.append("], ")
			.append(millis)
			.append(" ms; statuses ")
			.append(histogram);
		new TreeMap<>(byGenerator).forEach((generator,
				counts) -> summary.append("\n  ").append(generator).append(' ').append(new TreeMap<>(counts)));
		System.out.println(summary);
		Path failuresFile = Path.of("target", "postjobs-fuzz-failures.txt");
		Files.createDirectories(failuresFile.getParent());
		Files.write(failuresFile, failures);
		assertThat(failures)
			.as("%d of %d cases broke the property (run seeds [%s]; replay a run with -Dfuzz.seed=<seed>, one case "
					+ "with -Dfuzz.case=<case seed>; all of them in %s):%n%s", failures.size(), cases.size(), seeds,
					failuresFile.toAbsolutePath(), failures.stream().limit(25).collect(Collectors.joining("\n")))
			.isEmpty();
		if (cases.size() >= 500) {
			assertThat(statuses).as("the fuzz reached every kind of refusal (run seeds [%s]): %s", seeds, histogram)
				.containsKeys(202, 400, 415, 422);
		}
		if (cases.size() >= 2000) {
			assertThat(statuses).as("the fuzz reached 413 (run seeds [%s]): %s", seeds, histogram).containsKey(413);
		}
	}

	// ---------------------------------------------------------------------------------
	// The nastiest cases met while writing the fuzz test, as plain tests

	@Test
	void nestingBeyondTheParsersDepthLimitIsA400NotAStackOverflow() {
		for (int depth : new int[] { 499, 2000, 100_000 }) {
			assertProblem(send(body("\"metadata\": {\"deep\": " + "[".repeat(depth) + "]".repeat(depth) + "}")), 400);
			assertProblem(send("[".repeat(depth + 2) + "]".repeat(depth + 2)), 400);
			assertProblem(send(body("\"x\": " + "{\"a\":".repeat(depth))), 400);
		}
		// The body, metadata and "deep" take three of the 500 levels the parser allows.
		assertThat(send(body("\"metadata\": {\"deep\": " + "[".repeat(497) + "]".repeat(497) + "}")).status())
			.isEqualTo(202);
	}

	@Test
	void anUnpairedSurrogateInAMemberNameIsMalformedJson() {
		RawResponse response = send(body("\"metadata\": {\"a\\udc00b\": 1}"));
		assertProblem(response, 400);
		assertThat(problem(response).get("detail").stringValue()).contains("surrogate");
	}

	@Test
	void stringsThatAreNotUtf8AreRefused() {
		byte[] body = body("\"metadata\": {\"note\": \"__RAW__\"}").getBytes(StandardCharsets.UTF_8);
		for (String hex : List.of("ff", "80", "c3", "e282", "eda080", "edb080")) {
			assertProblem(send(replace(body, ascii("__RAW__"), HexFormat.of().parseHex(hex))), 400);
		}
		// The parser reads an overlong NUL as U+0000, and F4 90 80 80 (past U+10FFFF) as
		// an unpaired surrogate: the value check refuses both (they answered 500).
		RawResponse nul = send(replace(body, ascii("__RAW__"), HexFormat.of().parseHex("c080")));
		assertProblem(nul, 422);
		assertThat(problem(nul).get("errors").findValuesAsString("message")).allMatch((m) -> m.contains("NUL"));
		assertProblem(send(replace(body, ascii("__RAW__"), HexFormat.of().parseHex("f4908080"))), 422);
	}

	@Test
	void numbersTooLongOrTooLargeAreRefused() {
		assertProblem(send(body("\"metadata\": {\"n\": 1" + "0".repeat(1200) + "}")), 400);
		RawResponse response = send("{\"input\": {\"prompt\": \"p\", \"image_urls\": [\""
				+ TestImageServer.png(400, 400) + "\"], \"seed\": 1e2147483648, \"frames\": 121.0}}");
		assertProblem(response, 422);
		assertThat(problem(response).get("errors").findValuesAsString("field")).contains("input.seed", "input.frames");
	}

	@Test
	void trailingContentAfterTheBodyIsMalformed() {
		assertProblem(send(body("") + " {}"), 400);
		assertProblem(send(body("") + " x"), 400);
	}

	@Test
	void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() {
		RawRequest request = new RawRequest("declared",
				List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", "application/json")),
				ascii(body("")), Framing.DECLARED, Integer.MAX_VALUE * 4L, null, false, false);
		assertProblem(answer(request), 413);
	}

	@Test
	void anEmptyChunkedBodyIsMalformed() {
		RawRequest request = new RawRequest("empty-chunked",
				List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", "application/json")),
				new byte[0], Framing.CHUNKED, 0, null, false, false);
		assertProblem(answer(request), 400);
	}

	@Test
	void aUtf16BodyDeclaredAsSuchIsAccepted() {
		RawRequest request = new RawRequest("utf-16",
				List.of(Header.of("Authorization", this.team.bearer()),
						Header.of("Content-Type", "application/json; charset=utf-16")),
				body("").getBytes(StandardCharsets.UTF_16), Framing.CONTENT_LENGTH, 0, null, false, false);
		assertThat(answer(request).status()).isEqualTo(202);
	}

	/** Regression: the 415 said "Content-Type (none)" for a header that was sent. */
	@Test
	void aContentTypeThatDoesNotParseIsNamedInThe415() {
		for (String type : List.of("application/json; charset=bogus-42", "application/json; charset=", "a/b/c")) {
			RawRequest request = new RawRequest("content-type",
					List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", type)),
					ascii(body("")), Framing.CONTENT_LENGTH, 0, null, false, false);
			RawResponse response = answer(request);
			assertProblem(response, 415);
			assertThat(problem(response).get("detail").stringValue()).contains("'" + type + "'");
		}
	}

	@Test
	void controlCharactersInAnIdempotencyKeyAreRefused() {
		// A tab is allowed in an HTTP header value: the gateway refuses the key itself.
		RawResponse tab = send(body(""), new Header("Idempotency-Key", ascii("ab\tcd")));
		assertProblem(tab, 400);
		assertThat(problem(tab).get("type").stringValue()).endsWith("/invalid-parameter");
		// Other control characters are not HTTP: the HTTP server refuses the request
		// before the gateway sees it, with an empty 400.
		RawResponse control = send(body(""), new Header("Idempotency-Key", ascii("ab\u0001cd")));
		assertThat(control.status()).isEqualTo(400);
	}

	private RawResponse send(String body, Header... headers) {
		return send(body.getBytes(StandardCharsets.UTF_8), headers);
	}

	private RawResponse send(byte[] body, Header... headers) {
		List<Header> all = new ArrayList<>(
				List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", "application/json")));
		all.addAll(List.of(headers));
		return answer(new RawRequest("test", all, body, Framing.CONTENT_LENGTH, 0, null, false, false));
	}

	private RawResponse answer(RawRequest request) {
		Result result = exchange(request);
		assertThat(result.response()).as("answer to %s: %s", request.describe(), result.error()).isNotNull();
		return result.response();
	}

	/** A valid body with more members after its input. */
	private static String body(String more) {
		return "{\"input\": {\"prompt\": \"p\", \"image_urls\": [\"" + TestImageServer.png(400, 400) + "\"]}"
				+ (more.isEmpty() ? "" : ", " + more) + "}";
	}

	private static void assertProblem(RawResponse response, int status) {
		List<String> violations = new ArrayList<>();
		checkProblem(response, violations);
		assertThat(response.status()).as("status of %s", preview(response.body(), 400)).isEqualTo(status);
		assertThat(violations).as("problem %s", preview(response.body(), 400)).isEmpty();
	}

	private static JsonNode problem(RawResponse response) {
		return json.readTree(response.body());
	}

	// ---------------------------------------------------------------------------------
	// The property

	private static List<String> violations(RawRequest request, Result result) {
		List<String> violations = new ArrayList<>();
		RawResponse response = result.response();
		if (response == null) {
			violations.add("no HTTP answer: " + result.error());
			return violations;
		}
		int status = response.status();
		if (request.notHttp()) {
			if (status != 400 && status != 431) {
				violations.add("answered " + status + " to a request that is not valid HTTP, not 400 or 431");
			}
			return violations;
		}
		if (status >= 500) {
			violations.add("answered " + status);
		}
		if (status >= 400) {
			checkProblem(response, violations);
		}
		else if (status >= 200 && status < 300) {
			checkJob(response, violations);
		}
		else {
			violations.add("answered " + status + ", neither a success nor an error");
		}
		if (request.expected() != null && status != request.expected()) {
			violations.add("expected " + request.expected() + ", got " + status);
		}
		if (request.mustBeRejected() && status < 400) {
			violations.add("accepted a request that must be refused");
		}
		return violations;
	}

	private static void checkProblem(RawResponse response, List<String> violations) {
		String contentType = response.header("content-type");
		if (contentType == null || !isMediaType(contentType, MediaType.APPLICATION_PROBLEM_JSON)) {
			violations.add("error answered with Content-Type " + contentType + ", not application/problem+json");
		}
		JsonNode problem = parse(response.body(), violations);
		if (problem == null) {
			return;
		}
		if (!problem.isObject()) {
			violations.add("problem is not a JSON object");
			return;
		}
		for (String member : List.of("type", "title", "detail")) {
			JsonNode value = problem.get(member);
			if (value == null || !value.isString() || value.stringValue().isBlank()) {
				violations.add("problem has no " + member + " string");
			}
		}
		JsonNode status = problem.get("status");
		if (status == null || !status.isInt() || status.intValue() != response.status()) {
			violations.add("problem status " + status + " is not the HTTP status " + response.status());
		}
		if (response.status() == 422) {
			JsonNode errors = problem.get("errors");
			if (errors == null || !errors.isArray() || errors.isEmpty()) {
				violations.add("422 problem has no errors list");
			}
			else {
				for (JsonNode error : errors) {
					if (!error.isObject() || error.get("field") == null || !error.get("field").isString()
							|| error.get("message") == null || !error.get("message").isString()
							|| error.get("message").stringValue().isBlank()) {
						violations.add("422 error is not {field, message}: " + error);
					}
				}
			}
		}
	}

	private static void checkJob(RawResponse response, List<String> violations) {
		if (response.status() != 200 && response.status() != 202) {
			violations.add("success answered " + response.status() + ", not 202 or 200");
		}
		String contentType = response.header("content-type");
		if (contentType == null || !isMediaType(contentType, MediaType.APPLICATION_JSON)) {
			violations.add("job answered with Content-Type " + contentType);
		}
		JsonNode job = parse(response.body(), violations);
		if (job == null) {
			return;
		}
		if (job.get("id") == null || !job.get("id").isString()) {
			violations.add("job has no id");
		}
		JsonNode status = job.get("status");
		if (status == null || !"queued".equals(status.asString(""))) {
			violations.add("job status is " + status + ", not queued");
		}
	}

	private static boolean isMediaType(String contentType, MediaType expected) {
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.getType().equals(expected.getType()) && type.getSubtype().equals(expected.getSubtype());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static JsonNode parse(byte[] body, List<String> violations) {
		try {
			return json.readTree(body);
		}
		catch (RuntimeException ex) {
			violations.add("body is not JSON: " + ex.getMessage());
			return null;
		}
	}

	// ---------------------------------------------------------------------------------
	// Requests, generated and sent

	private RawRequest generate(long caseSeed) {
		return new PostJobsRequestGenerator(new Random(caseSeed), this.team).generate();
	}

	private Result exchange(RawRequest request) {
		return RawHttp.exchange(this.port, request);
	}

}
