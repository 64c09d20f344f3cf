package io.genjobs.gateway.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
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
 * sets the number of cases. Failure messages name both seeds.
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

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	/** {@code spring.http.codecs.max-in-memory-size}: 6400 KB. */
	private static final int BODY_LIMIT = 6400 * 1024;

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
		List<FuzzCase> cases = cases();
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		Map<String, Map<Integer, AtomicInteger>> byGenerator = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		long started = System.nanoTime();
		try (ExecutorService executor = Executors.newFixedThreadPool(CONCURRENCY)) {
			List<Future<?>> runs = new ArrayList<>();
			for (FuzzCase fuzzCase : cases) {
				runs.add(executor.submit(() -> {
					Request request = generate(fuzzCase.caseSeed());
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
		Response response = send(body("\"metadata\": {\"a\\udc00b\": 1}"));
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
		Response nul = send(replace(body, ascii("__RAW__"), HexFormat.of().parseHex("c080")));
		assertProblem(nul, 422);
		assertThat(problem(nul).get("errors").findValuesAsString("message")).allMatch((m) -> m.contains("NUL"));
		assertProblem(send(replace(body, ascii("__RAW__"), HexFormat.of().parseHex("f4908080"))), 422);
	}

	@Test
	void numbersTooLongOrTooLargeAreRefused() {
		assertProblem(send(body("\"metadata\": {\"n\": 1" + "0".repeat(1200) + "}")), 400);
		Response response = send("{\"input\": {\"prompt\": \"p\", \"image_urls\": [\"" + TestImageServer.png(400, 400)
				+ "\"], \"seed\": 1e2147483648, \"frames\": 121.0}}");
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
		Request request = new Request("declared",
				List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", "application/json")),
				ascii(body("")), Framing.DECLARED, Integer.MAX_VALUE * 4L, null, false, false);
		assertProblem(answer(request), 413);
	}

	@Test
	void anEmptyChunkedBodyIsMalformed() {
		Request request = new Request("empty-chunked",
				List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", "application/json")),
				new byte[0], Framing.CHUNKED, 0, null, false, false);
		assertProblem(answer(request), 400);
	}

	@Test
	void aUtf16BodyDeclaredAsSuchIsAccepted() {
		Request request = new Request("utf-16",
				List.of(Header.of("Authorization", this.team.bearer()),
						Header.of("Content-Type", "application/json; charset=utf-16")),
				body("").getBytes(StandardCharsets.UTF_16), Framing.CONTENT_LENGTH, 0, null, false, false);
		assertThat(answer(request).status()).isEqualTo(202);
	}

	/** Regression: the 415 said "Content-Type (none)" for a header that was sent. */
	@Test
	void aContentTypeThatDoesNotParseIsNamedInThe415() {
		for (String type : List.of("application/json; charset=bogus-42", "application/json; charset=", "a/b/c")) {
			Request request = new Request("content-type",
					List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", type)),
					ascii(body("")), Framing.CONTENT_LENGTH, 0, null, false, false);
			Response response = answer(request);
			assertProblem(response, 415);
			assertThat(problem(response).get("detail").stringValue()).contains("'" + type + "'");
		}
	}

	@Test
	void controlCharactersInAnIdempotencyKeyAreRefused() {
		// A tab is allowed in an HTTP header value: the gateway refuses the key itself.
		Response tab = send(body(""), new Header("Idempotency-Key", ascii("ab\tcd")));
		assertProblem(tab, 400);
		assertThat(problem(tab).get("type").stringValue()).endsWith("/invalid-parameter");
		// Other control characters are not HTTP: the HTTP server refuses the request
		// before the gateway sees it, with an empty 400.
		Response control = send(body(""), new Header("Idempotency-Key", ascii("ab\u0001cd")));
		assertThat(control.status()).isEqualTo(400);
	}

	private Response send(String body, Header... headers) {
		return send(body.getBytes(StandardCharsets.UTF_8), headers);
	}

	private Response send(byte[] body, Header... headers) {
		List<Header> all = new ArrayList<>(
				List.of(Header.of("Authorization", this.team.bearer()), Header.of("Content-Type", "application/json")));
		all.addAll(List.of(headers));
		return answer(new Request("test", all, body, Framing.CONTENT_LENGTH, 0, null, false, false));
	}

	private Response answer(Request request) {
		Result result = exchange(request);
		assertThat(result.response()).as("answer to %s: %s", request.describe(), result.error()).isNotNull();
		return result.response();
	}

	/** A valid body with more members after its input. */
	private static String body(String more) {
		return "{\"input\": {\"prompt\": \"p\", \"image_urls\": [\"" + TestImageServer.png(400, 400) + "\"]}"
				+ (more.isEmpty() ? "" : ", " + more) + "}";
	}

	private static void assertProblem(Response response, int status) {
		List<String> violations = new ArrayList<>();
		checkProblem(response, violations);
		assertThat(response.status()).as("status of %s", preview(response.body(), 400)).isEqualTo(status);
		assertThat(violations).as("problem %s", preview(response.body(), 400)).isEmpty();
	}

	private static JsonNode problem(Response response) {
		return json.readTree(response.body());
	}

	// ---------------------------------------------------------------------------------
	// Cases and seeds

	/** One generated request: its case seed says everything needed to replay it. */
	record FuzzCase(long runSeed, long caseSeed) {

		String replay() {
			return "case " + this.caseSeed + " (-Dfuzz.case=" + this.caseSeed + ", run -Dfuzz.seed=" + this.runSeed
					+ ")";
		}

	}

	private static List<FuzzCase> cases() {
		String only = System.getProperty("fuzz.case");
		if (only != null && !only.isBlank()) {
			return List.of(new FuzzCase(0, Long.decode(only.strip())));
		}
		int iterations = Integer.getInteger("fuzz.iterations", DEFAULT_ITERATIONS);
		String given = System.getProperty("fuzz.seed");
		List<Long> runSeeds = (given != null && !given.isBlank()) ? List.of(Long.decode(given.strip()))
				: List.of(DEFAULT_SEED, ThreadLocalRandom.current().nextLong());
		List<FuzzCase> cases = new ArrayList<>();
		for (int s = 0; s < runSeeds.size(); s++) {
			long runSeed = runSeeds.get(s);
			int share = iterations / runSeeds.size() + ((s < iterations % runSeeds.size()) ? 1 : 0);
			for (int i = 0; i < share; i++) {
				cases.add(new FuzzCase(runSeed, mix(runSeed + i * 0x9E3779B97F4A7C15L)));
			}
		}
		return cases;
	}

	/** SplitMix64's finaliser: neighbouring indexes give unrelated case seeds. */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	// ---------------------------------------------------------------------------------
	// The property

	private static List<String> violations(Request request, Result result) {
		List<String> violations = new ArrayList<>();
		Response response = result.response();
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

	private static void checkProblem(Response response, List<String> violations) {
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

	private static void checkJob(Response response, List<String> violations) {
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
	// Generators

	private Request generate(long caseSeed) {
		return new Generator(new Random(caseSeed), this.team).generate();
	}

	/** Makes one request from one seed. */
	static final class Generator {

		private static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "1.0", "-0.0", "0.5", "1e400",
				"-1e400", "1e-400", "1E2", "121", "121.0", "1.21e2", "12.1e1", "241", "241.00", "9223372036854775807",
				"9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
				"1" + "0".repeat(400), "0." + "0".repeat(900) + "1", "1e2147483648", "1e-2147483649", "1e999999999999",
				"4.9e-324", "1.7976931348623157e308", "1.8e308", "2147483648", "-2147483649", "123456789.123456789e-5",
				"-1" + "9".repeat(30));

		/**
		 * Numbers longer than the JSON parser reads (1000 characters): refused as
		 * malformed.
		 */
		private static final List<String> OVERLONG_NUMBERS = List.of("1" + "0".repeat(1200), "0." + "1".repeat(5000),
				"-" + "9".repeat(100_000));

		private static final List<String> INVALID_NUMBERS = List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5",
				"1.", "0x10", "1e", "--1", "1e+", "-", "1_000", "١");

		private static final List<String> HOSTILE_STRINGS = List.of("", " ", "   \t\n", "\u0000", "a\u0000b", "\ud800",
				"\udfff", "\ud800\ud800", "x\udc00", "\udc00\ud800", "\ud83d\ude00", "\u2028\u2029", "\ufeff", "\uffff",
				"\ufffe", "\u202eevil", "null", "true", "0", "[]", "{}", "<script>alert(1)</script>",
				"'; drop table jobs; --", "%00", "../../etc/passwd", "\uff41", "a\u0301", "a".repeat(10_000),
				"\u00e9".repeat(3000), MODEL, MODEL.toUpperCase(Locale.ROOT), MODEL + "/", " " + MODEL,
				MODEL + "\u0000", "job.succeeded", "JOB.SUCCEEDED", "job.succeeded ", "\\u0000", "\u0085",
				"\u001b[31mred");

		private static final List<String> EVENTS = List.of("job.submitted", "job.running", "job.succeeded",
				"job.failed", "job.cancelled");

		private static final List<String> PROMPTS = List.of("A slow tracking shot down a sunlit street",
				"a cat surfing", "\u732b\u304c\u6ce2\u306b\u4e57\u308b", "\ud83c\udf0a\ud83d\udc31", "x");

		private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
				"application/json;charset=UTF-8", "Application/JSON", "application/json; charset=utf-16",
				"application/json; charset=UTF-32", "application/json; charset=iso-8859-1",
				"application/json; charset=bogus-42", "application/json; charset=",
				"application/json; charset=\"utf-8\"", "application/json; charset", "application/json;;",
				"application/json; boundary=x", "application/json; q=0.5",
				"application/json; charset=utf-8; charset=latin1", "application/json\t", "application/json,",
				"application/json, text/plain", "application/problem+json", "application/merge-patch+json",
				"application/vnd.api+json", "application/*", "*/*", "application", "/", "a/b/c", "json", "",
				"text/plain", "text/json", "text/html; charset=utf-8", "application/xml",
				"application/x-www-form-urlencoded", "multipart/form-data; boundary=----fuzz", "multipart/mixed",
				"application/x-ndjson", "application/cbor", "application/octet-stream", "application/j\u00e9son",
				"application/json; charset=\u00e9");

		private static final List<String> UNSUPPORTED_TYPES = List.of("text/plain", "text/html; charset=utf-8",
				"application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=----fuzz",
				"application/cbor", "application/octet-stream");

		private final Random r;

		private final TestTeam team;

		private final String images = TestImageServer.hostPort();

		private final int imagesPort = Integer.parseInt(this.images.substring(this.images.indexOf(':') + 1));

		private String generator;

		private final List<Header> headers = new ArrayList<>();

		private Integer expected;

		private boolean mustBeRejected;

		private Framing framing = Framing.CONTENT_LENGTH;

		private long declaredLength;

		private boolean anonymous;

		private boolean notHttp;

		Generator(Random random, TestTeam team) {
			this.r = random;
			this.team = team;
		}

		Request generate() {
			byte[] body = body();
			if (!this.anonymous && this.headers.stream().noneMatch((h) -> h.name().equals("Authorization"))) {
				this.headers.add(0, Header.of("Authorization", this.team.bearer()));
			}
			if (this.headers.stream().noneMatch((h) -> h.name().equalsIgnoreCase("Content-Type"))
					&& !"no-content-type".equals(this.generator)) {
				this.headers.add(Header.of("Content-Type", "application/json"));
			}
			return new Request(this.generator, List.copyOf(this.headers), body, this.framing, this.declaredLength,
					this.expected, this.mustBeRejected, this.notHttp);
		}

		private byte[] body() {
			int dice = this.r.nextInt(1000);
			byte[] body;
			if (dice < 50) {
				body = randomBytes();
			}
			else if (dice < 90) {
				body = randomText();
			}
			else if (dice < 150) {
				body = truncated();
			}
			else if (dice < 200) {
				body = deeplyNested();
			}
			else if (dice < 280) {
				body = numbers();
			}
			else if (dice < 380) {
				body = wrongTypes();
			}
			else if (dice < 430) {
				body = unknownMembers();
			}
			else if (dice < 480) {
				body = duplicateKeys();
			}
			else if (dice < 580) {
				body = hostileStrings();
			}
			else if (dice < 660) {
				body = nearTheLimits();
			}
			else if (dice < 860) {
				body = mutatedValid();
			}
			else if (dice < 930) {
				body = contentTypes();
			}
			else if (dice < 970) {
				body = idempotencyKeys();
			}
			else if (dice < 985) {
				body = authorization();
			}
			else {
				body = sizes();
			}
			// Now and then, header noise on top of whatever the body is.
			if (this.r.nextInt(20) == 0 && !"content-type".equals(this.generator)) {
				this.headers.add(Header.of("Content-Type", pick(CONTENT_TYPES)));
				this.expected = null;
			}
			if (this.r.nextInt(20) == 0 && !"idempotency-key".equals(this.generator)) {
				this.headers.add(Header.of("Idempotency-Key", "fuzz-" + this.r.nextInt(8)));
				this.expected = null;
			}
			return body;
		}

		// Whole-body garbage ---------------------------------------------------------

		private byte[] randomBytes() {
			this.generator = "random-bytes";
			this.mustBeRejected = true;
			byte[] bytes = new byte[this.r.nextInt(2000)];
			this.r.nextBytes(bytes);
			if (bytes.length > 0 && this.r.nextBoolean()) {
				bytes[0] = (byte) (this.r.nextBoolean() ? '{' : '[');
			}
			return bytes;
		}

		private byte[] randomText() {
			this.generator = "random-utf8";
			this.mustBeRejected = true;
			String text = text(this.r.nextInt(500));
			return (this.r.nextBoolean() ? "{\"input\": " + text : text).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] truncated() {
			this.generator = "truncated-json";
			this.mustBeRejected = true;
			String body = validBody().render(this.r);
			String cut = body.substring(0, this.r.nextInt(body.length()));
			if (this.r.nextInt(4) == 0) {
				cut = cut + pick(List.of("\"", "\\", "\\u12", "\\ud8", ",", ":", "]", "}}}", "\u0000", "/*", "//"));
			}
			return cut.getBytes(StandardCharsets.UTF_8);
		}

		private byte[] deeplyNested() {
			this.generator = "deeply-nested";
			int depth = pick(List.of(2, 50, 499, 500, 501, 999, 1000, 1001, 2000, 10_000, 100_000));
			boolean arrays = this.r.nextBoolean();
			boolean closed = this.r.nextInt(5) != 0;
			String open = arrays ? "[" : "{\"a\":";
			String close = arrays ? "]" : "}";
			String nested = open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
			if (depth >= 1000 || !closed) {
				this.mustBeRejected = true;
			}
			Obj body = validBody();
			switch (this.r.nextInt(6)) {
				case 0 -> {
					return nested.getBytes(StandardCharsets.UTF_8);
				}
				case 1 -> body.put("metadata", arrays ? "{\"deep\":" + nested + "}" : nested);
				case 2 -> body.input().put("prompt", nested);
				case 3 -> body.input().put("image_urls", nested);
				case 4 -> body.put("model", nested);
				default -> body.put(key(), nested);
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		// Members -------------------------------------------------------------------

		private byte[] numbers() {
			this.generator = "numbers";
			Obj body = validBody();
			int dice = this.r.nextInt(10);
			String number = (dice < 2) ? pick(INVALID_NUMBERS) : (dice < 3) ? pick(OVERLONG_NUMBERS) : pick(NUMBERS);
			this.mustBeRejected = dice < 3;
			switch (this.r.nextInt(7)) {
				case 0 -> body.input().put("seed", number);
				case 1 -> body.input().put("frames", number);
				case 2 -> body.put("metadata", "{\"n\":" + number + ",\"list\":[" + number + "]}");
				case 3 -> body.put("model", number);
				case 4 -> body.input().put("prompt", number);
				case 5 -> body.put("webhook_events", "[" + number + "]");
				default -> body.input().put("image_urls", "[" + number + "]");
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] wrongTypes() {
			this.generator = "wrong-types";
			Obj body = validBody();
			this.expected = 422;
			int count = 1 + this.r.nextInt(3);
			for (int i = 0; i < count; i++) {
				int member = this.r.nextInt((body.input() != null) ? 9 : 5);
				switch (member) {
					case 0 -> body.put("model", valueExcept("string", "null"));
					case 1 -> body.put("input", valueExcept("object"));
					case 2 -> body.put("webhook_url", valueExcept("string", "null"));
					case 3 -> body.put("webhook_events", valueExcept("array", "null"));
					case 4 -> body.put("metadata", valueExcept("object", "null"));
					case 5 -> body.input().put("prompt", valueExcept("string"));
					case 6 -> body.input().put("image_urls", valueExcept("array"));
					case 7 -> body.input().put("seed", valueExcept("number"));
					default -> body.input().put("frames", valueExcept("number"));
				}
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] unknownMembers() {
			this.generator = "unknown-members";
			Obj body = validBody();
			this.expected = 422;
			Obj target = this.r.nextBoolean() ? body : body.input();
			int count = 1 + this.r.nextInt(3);
			Set<String> names = new HashSet<>();
			for (int i = 0; i < count; i++) {
				String name = this.r.nextBoolean() ? text(1 + this.r.nextInt(12), false)
						: pick(List.of("Input", "input ", " model", "\u0456nput", "", "__proto__", "constructor",
								"model\u0000", "INPUT", "Prompt", "image_url", "imageUrls", "webhookUrl", "meta"));
				if (names.add(name)) {
					target.members.add(new Member(quote(name), value(1)));
				}
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] duplicateKeys() {
			this.generator = "duplicate-keys";
			Obj body = validBody();
			this.expected = 400;
			switch (this.r.nextInt(3)) {
				case 0 -> body.duplicate(this.r, this.r.nextBoolean() ? null : value(1));
				case 1 -> body.input().duplicate(this.r, this.r.nextBoolean() ? null : value(1));
				default -> body.put("metadata", "{\"a\":1,\"b\":[],\"a\":" + value(1) + "}");
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] hostileStrings() {
			this.generator = "hostile-strings";
			Obj body = validBody();
			String value = switch (this.r.nextInt(4)) {
				case 0 -> quote(pick(HOSTILE_STRINGS));
				case 1 -> quote(text(1 + this.r.nextInt(40)));
				case 2 -> {
					// A raw control character in a string: not JSON.
					this.mustBeRejected = true;
					yield "\"a" + (char) this.r.nextInt(0x20) + "b\"";
				}
				default -> "\"__RAW__\"";
			};
			switch (this.r.nextInt(8)) {
				case 0 -> body.input().put("prompt", value);
				case 1 -> body.put("metadata", "{\"note\":" + value + "}");
				case 2 -> body.put("metadata", "{" + value + ":1}");
				case 3 -> body.put("model", value);
				case 4 -> body.put("webhook_url", value);
				case 5 -> body.input().put("image_urls", "[" + value + "]");
				case 6 -> body.put("webhook_events", "[" + value + "]");
				default -> body.members.add(new Member(value, "1"));
			}
			byte[] bytes = body.render(this.r).getBytes(StandardCharsets.UTF_8);
			return replace(bytes, "__RAW__".getBytes(StandardCharsets.US_ASCII), invalidUtf8());
		}

		/** Byte sequences that are not UTF-8 (or are, but encode surrogates). */
		private byte[] invalidUtf8() {
			List<byte[]> sequences = List.of(new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xC0, (byte) 0x80 },
					new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
					new byte[] { (byte) 0xED, (byte) 0xB0, (byte) 0x80 }, new byte[] { (byte) 0xE2, (byte) 0x82 },
					new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, new byte[] { (byte) 0x80 },
					new byte[] { (byte) 0xF0, (byte) 0x9F, (byte) 0x98 }, new byte[] { (byte) 0xC3 },
					new byte[] { (byte) 0xFE, (byte) 0xFF });
			return sequences.get(this.r.nextInt(sequences.size()));
		}

		private byte[] nearTheLimits() {
			this.generator = "limits";
			Obj body = validBody();
			body.remove("webhook_events");
			switch (this.r.nextInt(4)) {
				case 0 -> {
					int length = pick(List.of(0, 799, 800, 801, 5000));
					String unit = pick(List.of("a", "\u00e9", "\ud83d\ude00", " "));
					body.input().put("prompt", quote(unit.repeat(length)));
					// maxLength counts code points; a blank required string is refused.
					this.expected = (length == 0 || length > 800 || unit.equals(" ")) ? 422 : 202;
				}
				case 1 -> {
					int size = pick(List.of(4095, 4096, 4097, 10_000));
					body.put("metadata", metadataOfSize(size));
					this.expected = (size > 4096) ? 422 : 202;
				}
				case 2 -> {
					int length = pick(List.of(2047, 2048, 2049));
					String start = "http://" + this.images + "/hook/";
					body.put("webhook_url", quote(start + "a".repeat(length - start.length())));
					this.expected = (length > 2048) ? 422 : 202;
				}
				default -> {
					// Whitespace does not count towards metadata's size: compact JSON
					// does.
					String metadata = metadataOfSize(4096);
					body.put("metadata", metadata.replace(":", " :\n\t ").replace("{", "{   "));
					this.expected = 202;
				}
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		/** A metadata object of exactly {@code size} bytes as compact JSON. */
		private String metadataOfSize(int size) {
			// {"k":"<value>"} is 8 bytes plus the value's.
			int room = size - 8;
			if (this.r.nextBoolean() && room % 2 == 0) {
				return "{\"k\":\"" + "\u00e9".repeat(room / 2) + "\"}";
			}
			return "{\"k\":\"" + "m".repeat(room) + "\"}";
		}

		private byte[] mutatedValid() {
			this.generator = "mutated-valid";
			Obj body = validBody();
			int count = 1 + this.r.nextInt(3);
			for (int i = 0; i < count; i++) {
				mutate(body);
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private void mutate(Obj body) {
			Obj target = (this.r.nextBoolean() && body.input() != null) ? body.input() : body;
			switch (this.r.nextInt(11)) {
				case 0 -> target.dropOne(this.r);
				case 1 -> target.duplicate(this.r, null);
				case 2 -> target.replaceOne(this.r, value(0));
				case 3 -> target.members.add(new Member(quote(key()), value(1)));
				case 4 -> {
					int count = pick(List.of(0, 1, 1, 1, 2, 3));
					List<String> urls = new ArrayList<>();
					for (int i = 0; i < count; i++) {
						urls.add(quote(imageUrl()));
					}
					inputOf(body).put("image_urls", "[" + String.join(",", urls) + "]");
				}
				case 5 -> inputOf(body).put(this.r.nextBoolean() ? "seed" : "frames", pick(NUMBERS));
				case 6 -> inputOf(body).put("prompt", quote(pick(PROMPTS) + pick(HOSTILE_STRINGS)));
				case 7 -> body.put("metadata", pick(List.of("{}", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}", "[]",
						"{\"\":\"\"}", metadataOfSize(4096), metadataOfSize(4097))));
				case 8 -> body.put("webhook_url", quote(webhookUrl()));
				case 9 -> body.put("webhook_events", events());
				default -> target.renameOne(this.r, pick(List.of("Model", "INPUT", "input\u0000", "metadata ",
						"webhook-url", "image_urls", "prompt", "seed", "model")));
			}
		}

		private Obj inputOf(Obj body) {
			Obj input = body.input();
			if (input == null) {
				input = validInput();
				body.put("input", input);
			}
			return input;
		}

		// Headers -------------------------------------------------------------------

		private byte[] contentTypes() {
			Obj body = validBody();
			int dice = this.r.nextInt(10);
			if (dice == 0) {
				this.generator = "no-content-type";
				this.expected = 415;
				return body.render(this.r).getBytes(StandardCharsets.UTF_8);
			}
			this.generator = "content-type";
			String type = pick(CONTENT_TYPES);
			if (dice == 1) {
				this.headers.add(Header.of("Content-Type", "text/plain"));
				type = "application/json";
			}
			if (UNSUPPORTED_TYPES.contains(type)) {
				this.expected = 415;
			}
			this.headers.add(Header.of("Content-Type", type));
			if (type.startsWith("multipart/form-data") && this.r.nextBoolean()) {
				return ("------fuzz\r\nContent-Disposition: form-data; name=\"body\"\r\n"
						+ "Content-Type: application/json\r\n\r\n" + body.render(this.r) + "\r\n------fuzz--\r\n")
					.getBytes(StandardCharsets.UTF_8);
			}
			if (type.contains("16") && this.r.nextBoolean()) {
				return body.render(this.r).getBytes(StandardCharsets.UTF_16);
			}
			if (type.contains("32") && this.r.nextBoolean()) {
				return body.render(this.r).getBytes(java.nio.charset.Charset.forName("UTF-32"));
			}
			if (type.contains("8859") && this.r.nextBoolean()) {
				return body.render(this.r).getBytes(StandardCharsets.ISO_8859_1);
			}
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] idempotencyKeys() {
			this.generator = "idempotency-key";
			Obj body = validBody();
			byte[] key;
			switch (this.r.nextInt(12)) {
				case 0, 1, 2, 3 -> key = ascii("fuzz-" + this.r.nextInt(8));
				case 4 -> {
					key = ascii(uniqueKey(255));
					this.expected = 202;
				}
				case 5 -> {
					key = ascii(uniqueKey(256));
					this.expected = 400;
				}
				case 6 -> {
					key = ascii(pick(List.of("", " ", "   ")));
					this.expected = 400;
				}
				case 7 -> {
					String control = pick(List.of("\t", "\u0001", "\u007f", "\u001b", "\u0000"));
					key = ascii("ab" + control + "cd");
					// HTTP allows a tab in a header value, no other control character:
					// those requests are refused by the HTTP server before the gateway.
					this.notHttp = !control.equals("\t");
				}
				case 8 -> key = "\u043a\u043b\u044e\u0447-\ud83d\udd11".getBytes(StandardCharsets.UTF_8);
				case 9 -> key = new byte[] { 'a', (byte) 0xE9, 'b' };
				case 10 -> {
					int length = pick(List.of(4000, 7000, 9000, 20_000));
					key = ascii("k".repeat(length));
					// Over the HTTP server's 8 KiB of headers.
					this.notHttp = length > 8000;
				}
				default -> {
					this.headers.add(Header.of("Idempotency-Key", "fuzz-a"));
					key = ascii("fuzz-b");
				}
			}
			this.headers.add(new Header("Idempotency-Key", key));
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		/** Printable ASCII, different in every case. */
		private String uniqueKey(int length) {
			StringBuilder key = new StringBuilder();
			while (key.length() < length) {
				key.append((char) (0x21 + this.r.nextInt(0x7e - 0x21)));
			}
			return key.toString();
		}

		private byte[] authorization() {
			this.generator = "authorization";
			String value = pick(List.of("", "Bearer", "Bearer ", "Bearer nope", "Basic Zm9vOmJhcg==",
					this.team.bearer() + "x", this.team.bearer() + " extra", "bearer " + this.team.key(),
					"Bearer  " + this.team.key() + "  ", "Token " + this.team.key(), "\u00e9", "(none)", "(twice)"));
			if (value.equals("(twice)")) {
				this.headers.add(Header.of("Authorization", this.team.bearer()));
				this.headers.add(Header.of("Authorization", this.team.bearer()));
				this.expected = 401;
			}
			else if (value.equals("(none)")) {
				this.headers.add(Header.of("X-Authorization", this.team.bearer()));
				this.anonymous = true;
				this.expected = 401;
			}
			else {
				this.headers.add(Header.of("Authorization", value));
			}
			return validBody().render(this.r).getBytes(StandardCharsets.UTF_8);
		}

		private byte[] sizes() {
			this.generator = "sizes";
			switch (this.r.nextInt(6)) {
				case 0 -> {
					this.expected = 400;
					return new byte[0];
				}
				case 1 -> {
					this.expected = 400;
					this.framing = Framing.NONE;
					return new byte[0];
				}
				case 2 -> {
					// A Content-Length over the limit is refused before a byte is read.
					this.expected = 413;
					this.framing = Framing.DECLARED;
					this.declaredLength = BODY_LIMIT + 1L + this.r.nextInt(1_000_000_000);
					return validBody().render(this.r).getBytes(StandardCharsets.UTF_8);
				}
				case 3, 4 -> {
					// Over the limit for real, with or without a Content-Length.
					this.expected = 413;
					this.framing = this.r.nextBoolean() ? Framing.CHUNKED : Framing.CONTENT_LENGTH;
					String prefix = "{\"input\": {\"prompt\": \"";
					byte[] body = new byte[BODY_LIMIT + 1 + this.r.nextInt(100_000)];
					Arrays.fill(body, (byte) 'x');
					System.arraycopy(ascii(prefix), 0, body, 0, prefix.length());
					return body;
				}
				default -> {
					this.expected = 400;
					this.framing = Framing.CHUNKED;
					return new byte[0];
				}
			}
		}

		// Valid building blocks --------------------------------------------------------

		Obj validBody() {
			Obj body = new Obj();
			if (this.r.nextInt(3) == 0) {
				body.put("model", quote(MODEL));
			}
			body.put("input", validInput());
			if (this.r.nextInt(3) == 0) {
				body.put("metadata", "{\"order\":" + this.r.nextInt(1000) + ",\"tag\":\"fuzz\"}");
			}
			if (this.r.nextInt(4) == 0) {
				body.put("webhook_url", quote("http://" + this.images + "/hook"));
				if (this.r.nextBoolean()) {
					body.put("webhook_events", "[\"job.succeeded\",\"job.failed\"]");
				}
			}
			Collections.shuffle(body.members, this.r);
			return body;
		}

		private Obj validInput() {
			Obj input = new Obj();
			input.put("prompt", quote(pick(PROMPTS)));
			input.put("image_urls", "[" + quote(goodImage()) + "]");
			if (this.r.nextBoolean()) {
				input.put("seed", Integer.toString(this.r.nextInt(2000) - 1));
			}
			if (this.r.nextBoolean()) {
				input.put("frames", this.r.nextBoolean() ? "121" : "241");
			}
			Collections.shuffle(input.members, this.r);
			return input;
		}

		private String goodImage() {
			return pick(List.of(TestImageServer.png(400, 400), TestImageServer.png(1024, 768),
					"http://" + this.images + "/images/640x480.jpg", TestImageServer.pngDataUri(400, 400)));
		}

		/** Image URLs: loopback only, mostly malformed or refused without connecting. */
		private String imageUrl() {
			int dice = this.r.nextInt(10);
			if (dice < 3) {
				return goodImage();
			}
			String base = "http://" + this.images;
			if (dice < 6) {
				return pick(List.of(TestImageServer.png(100, 100), TestImageServer.png(2000, 400), TestImageServer.png(400, 320),
						base + "/missing.png", base + "/images/400x400.gif", "http://127.0.0.1:1/x.png",
						"http://[::1]:1/x.png", "http://[::1]:" + this.imagesPort + "/images/400x400.png",
						"http://127.0.0.1:99999/x.png", "http://127.0.0.1:0/x.png",
						"http://user:pw@" + this.images + "/images/400x400.png",
						"HTTP://" + this.images + "/images/400x400.png", base + "/images/400x400.png#fragment",
						base + "/images/400x400.png?q=1", base + "/" + "p".repeat(3000),
						TestImageServer.pngDataUri(100, 100)));
			}
			if (dice < 7 && this.r.nextInt(10) == 0) {
				// TLS to a plain-HTTP loopback server: a transient failure, never cached.
				return "https://" + this.images + "/images/400x400.png";
			}
			byte[] noise = new byte[this.r.nextInt(64)];
			this.r.nextBytes(noise);
			return pick(List.of("", " ", "javascript:alert(1)", "file:///etc/passwd", "ftp://127.0.0.1/x.png", "data:",
					"data:,", "data:image/png;base64,", "data:image/png;base64,!!!!",
					"data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
					"data:image/jpeg;base64,/9j/4AAQ", "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
					"data:text/html,<script>alert(1)</script>", "data:image/png,notbase64",
					"DATA:IMAGE/PNG;BASE64,iVBORw0KGgo=", "data:image/png;base64,====",
					"data:image/png;charset=utf-8;base64,iVBORw0KGgo=",
					"data:image/png;base64," + Base64.getEncoder().encodeToString(noise),
					"data:image/png;base64," + Base64.getEncoder().encodeToString(hugePngHeader()),
					"data:image/jpeg;base64," + Base64.getEncoder()
						.encodeToString(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 1 }),
					"http://", "http:///x.png", "http://[::1", "http://%zz/", "//127.0.0.1/x.png", "127.0.0.1/x.png",
					"http:\\\\127.0.0.1\\x.png", "mailto:a@b", "urn:isbn:1", base + "/images/400x400.png\u0000",
					"\u0000", "http://exa mple/x.png", " " + goodImage(), "http://[::ffff:127.0.0.1]:1/x.png"));
		}

		/** A PNG header claiming 100000 x 100000 pixels, and no picture. */
		private static byte[] hugePngHeader() {
			return HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000186a0000186a00802000000");
		}

		private String webhookUrl() {
			String base = "http://" + this.images;
			return pick(List.of(base + "/hook", "https://" + this.images + "/hook", "HTTP://" + this.images + "/h",
					"http://127.0.0.1:1/hook", "http://[::1]:1/hook", "ftp://127.0.0.1/", "javascript:alert(1)", "",
					" ", "hook", "/relative/hook", "http://", "http:///hook", "http://127.0.0.1:99999/hook",
					"http://127.0.0.1:0/hook", "http://[::1", "http://127.0.0.1:65536/",
					"http://127.0.0.1:99999999999/", "mailto:x@y", "data:text/plain,x", "http://user@127.0.0.1:1/",
					"http://127.0.0.1:1/\u0000", "http://[::ffff:127.0.0.1]:1/", base + "/" + "a".repeat(3000),
					"http://exa mple/"));
		}

		private String events() {
			int count = this.r.nextInt(4);
			List<String> items = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				items.add(switch (this.r.nextInt(4)) {
					case 0, 1 -> quote(pick(EVENTS));
					case 2 -> quote(pick(List.of("job.unknown", "", "JOB.FAILED", "job.failed ", "job.*")));
					default -> value(1);
				});
			}
			return "[" + String.join(",", items) + "]";
		}

		// Random values ---------------------------------------------------------------

		/** Any JSON value. */
		String value(int depth) {
			return switch (this.r.nextInt((depth > 2) ? 7 : 9)) {
				case 0 -> "null";
				case 1 -> this.r.nextBoolean() ? "true" : "false";
				case 2 -> pick(NUMBERS);
				case 3 -> quote(text(this.r.nextInt(20)));
				case 4 -> quote(pick(HOSTILE_STRINGS));
				case 5 -> this.r.nextBoolean() ? "[]" : "{}";
				case 6 -> quote(pick(List.of("model", "input", MODEL, "job.failed")));
				case 7 -> {
					List<String> items = new ArrayList<>();
					for (int i = this.r.nextInt(4); i > 0; i--) {
						items.add(value(depth + 1));
					}
					yield "[" + String.join(",", items) + "]";
				}
				default -> {
					List<String> items = new ArrayList<>();
					for (int i = this.r.nextInt(4); i > 0; i--) {
						items.add(quote(key() + i) + ":" + value(depth + 1));
					}
					yield "{" + String.join(",", items) + "}";
				}
			};
		}

		/** A value whose JSON type is none of {@code types}. */
		private String valueExcept(String... types) {
			List<String> allowed = List.of(types);
			while (true) {
				String value = value(0);
				if (!allowed.contains(typeOf(value))) {
					return value;
				}
			}
		}

		private static String typeOf(String value) {
			char first = value.charAt(0);
			return switch (first) {
				case 'n' -> "null";
				case 't', 'f' -> "boolean";
				case '"' -> "string";
				case '[' -> "array";
				case '{' -> "object";
				default -> "number";
			};
		}

		private String key() {
			return "x" + text(this.r.nextInt(10), false);
		}

		/**
		 * Random text: letters, control characters, lone surrogates, emoji, characters
		 * JSON must escape. Never a {@code ':'}, so it can never be a URL with a scheme.
		 */
		String text(int length) {
			return text(length, true);
		}

		/**
		 * Random text; without lone surrogates, which the JSON parser refuses in names.
		 */
		String text(int length, boolean loneSurrogates) {
			StringBuilder text = new StringBuilder();
			for (int i = 0; i < length; i++) {
				switch (this.r.nextInt(10)) {
					case 0 -> text.append((char) this.r.nextInt(0x20));
					case 1 -> {
						if (loneSurrogates) {
							text.append((char) (0xD800 + this.r.nextInt(0x800)));
						}
					}
					case 2 -> text.appendCodePoint(0x1F600 + this.r.nextInt(80));
					case 3 -> text.append(pick(List.of("\"", "\\", "/", "\u2028", "\u2029", "\ufeff", "\uffff",
							"\u202e", "\u0085", "{", "}", "[", "]", ",", "\u007f")));
					case 4 -> text.append((char) (0x80 + this.r.nextInt(0xD800 - 0x80)));
					case 5 -> text.append(' ');
					default -> text.append((char) ('a' + this.r.nextInt(26)));
				}
			}
			return text.toString().replace(':', '_');
		}

		private <T> T pick(List<T> values) {
			return values.get(this.r.nextInt(values.size()));
		}

	}

	// ---------------------------------------------------------------------------------
	// JSON text with full control: any member order, duplicates, raw values

	/** A member of an {@link Obj}: a raw JSON key and a raw JSON value or an Obj. */
	static final class Member {

		String key;

		Object value;

		Member(String key, Object value) {
			this.key = key;
			this.value = value;
		}

	}

	/** A JSON object written out as text only at the end, so it can be broken first. */
	static final class Obj {

		final List<Member> members = new ArrayList<>();

		/** Sets a member (the first of that name), or adds it. */
		Obj put(String name, Object value) {
			String key = quote(name);
			for (Member member : this.members) {
				if (member.key.equals(key)) {
					member.value = value;
					return this;
				}
			}
			this.members.add(new Member(key, value));
			return this;
		}

		void remove(String name) {
			this.members.removeIf((member) -> member.key.equals(quote(name)));
		}

		Obj input() {
			for (Member member : this.members) {
				if (member.key.equals("\"input\"") && member.value instanceof Obj input) {
					return input;
				}
			}
			return null;
		}

		void dropOne(Random r) {
			if (!this.members.isEmpty()) {
				this.members.remove(r.nextInt(this.members.size()));
			}
		}

		void duplicate(Random r, String value) {
			if (!this.members.isEmpty()) {
				Member member = this.members.get(r.nextInt(this.members.size()));
				this.members.add(r.nextInt(this.members.size() + 1),
						new Member(member.key, (value != null) ? value : member.value));
			}
		}

		void replaceOne(Random r, String value) {
			if (!this.members.isEmpty()) {
				this.members.get(r.nextInt(this.members.size())).value = value;
			}
		}

		void renameOne(Random r, String name) {
			if (!this.members.isEmpty()) {
				this.members.get(r.nextInt(this.members.size())).key = quote(name);
			}
		}

		String render(Random r) {
			String space = (r.nextInt(4) == 0) ? pick(r, " ", "\n", "\t", "\r\n  ") : "";
			StringBuilder text = new StringBuilder("{").append(space);
			for (int i = 0; i < this.members.size(); i++) {
				Member member = this.members.get(i);
				if (i > 0) {
					text.append(',').append(space);
				}
				text.append(member.key).append(':').append(space);
				text.append((member.value instanceof Obj obj) ? obj.render(r) : member.value);
			}
			return text.append(space).append('}').toString();
		}

		private static String pick(Random r, String... values) {
			return values[r.nextInt(values.length)];
		}

	}

	/**
	 * A JSON string literal. Control characters and lone surrogates are written as JSON
	 * escapes, so the text stays valid UTF-8 and the decoded string holds them.
	 */
	static String quote(String value) {
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < value.length()
					&& Character.isLowSurrogate(value.charAt(i + 1))) {
				quoted.append(c).append(value.charAt(++i));
			}
			else if (Character.isSurrogate(c)) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static byte[] replace(byte[] bytes, byte[] target, byte[] replacement) {
		for (int i = 0; i + target.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + target.length, target, 0, target.length)) {
				byte[] replaced = new byte[bytes.length - target.length + replacement.length];
				System.arraycopy(bytes, 0, replaced, 0, i);
				System.arraycopy(replacement, 0, replaced, i, replacement.length);
				System.arraycopy(bytes, i + target.length, replaced, i + replacement.length,
						bytes.length - i - target.length);
				return replaced;
			}
		}
		return bytes;
	}

	// ---------------------------------------------------------------------------------
	// Raw HTTP/1.1 over a loopback socket: any header bytes, any body, any framing

	enum Framing {

		/** {@code Content-Length} of the body as sent. */
		CONTENT_LENGTH,
		/** {@code Transfer-Encoding: chunked}. */
		CHUNKED,
		/** A {@code Content-Length} larger than the bytes sent. */
		DECLARED,
		/** Neither header (and no body). */
		NONE

	}

	record Header(String name, byte[] value) {

		static Header of(String name, String value) {
			return new Header(name, value.getBytes(StandardCharsets.UTF_8));
		}

	}

	/**
	 * A request to send. {@code notHttp}: its header is not valid HTTP (a control
	 * character in a value, or over the server's header size limit), so the HTTP server
	 * (Reactor Netty) refuses it itself with a bare 400 or 431, before the gateway sees
	 * it.
	 */
	record Request(String generator, List<Header> headers, byte[] body, Framing framing, long declaredLength,
			Integer expected, boolean mustBeRejected, boolean notHttp) {

		String describe() {
			StringBuilder text = new StringBuilder(this.generator).append(" | ");
			for (Header header : this.headers) {
				String value = header.name().equals("Authorization") ? "<redacted>" : preview(header.value(), 80);
				text.append(header.name()).append(": ").append(value).append(" | ");
			}
			text.append(this.framing).append(' ');
			if (this.framing == Framing.DECLARED) {
				text.append(this.declaredLength).append(' ');
			}
			return text.append("body (")
				.append(this.body.length)
				.append(" bytes): ")
				.append(preview(this.body, 300))
				.toString();
		}

	}

	record Response(int status, Map<String, String> headers, byte[] body) {

		String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

	record Result(Response response, Exception error) {

		String describe() {
			if (this.response == null) {
				return "none (" + this.error + ")";
			}
			return this.response.status() + " " + this.response.headers() + " " + preview(this.response.body(), 600);
		}

	}

	private Result exchange(Request request) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 5000);
			socket.setSoTimeout(30_000);
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			head.writeBytes(ascii("POST /jobs HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\nConnection: close\r\n"));
			for (Header header : request.headers()) {
				head.writeBytes(ascii(header.name() + ": "));
				head.writeBytes(header.value());
				head.writeBytes(ascii("\r\n"));
			}
			byte[] payload = request.body();
			switch (request.framing()) {
				case CONTENT_LENGTH -> head.writeBytes(ascii("Content-Length: " + payload.length + "\r\n"));
				case DECLARED -> head.writeBytes(ascii("Content-Length: " + request.declaredLength() + "\r\n"));
				case CHUNKED -> {
					head.writeBytes(ascii("Transfer-Encoding: chunked\r\n"));
					payload = chunked(payload);
				}
				case NONE -> {
				}
			}
			head.writeBytes(ascii("\r\n"));
			OutputStream out = socket.getOutputStream();
			byte[] toSend = payload;
			// Written beside the read: the gateway may answer (413) and close before
			// reading it all.
			Thread writer = Thread.ofVirtual().start(() -> {
				try {
					out.write(head.toByteArray());
					out.write(toSend);
					out.flush();
				}
				catch (IOException ex) {
					// the answer tells
				}
			});
			try {
				return new Result(readResponse(socket.getInputStream()), null);
			}
			finally {
				socket.close();
				writer.join(10_000);
			}
		}
		catch (Exception ex) {
			return new Result(null, ex);
		}
	}

	private static byte[] chunked(byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int offset = 0; offset < body.length; offset += 64 * 1024) {
			int length = Math.min(64 * 1024, body.length - offset);
			out.writeBytes(ascii(Integer.toHexString(length) + "\r\n"));
			out.write(body, offset, length);
			out.writeBytes(ascii("\r\n"));
		}
		out.writeBytes(ascii("0\r\n\r\n"));
		return out.toByteArray();
	}

	/**
	 * Reads one response; stops at its end, or when the gateway closes the connection.
	 */
	private static Response readResponse(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[16 * 1024];
		try {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				received.write(buffer, 0, read);
				Response response = complete(received.toByteArray());
				if (response != null) {
					return response;
				}
			}
		}
		catch (IOException ex) {
			// A reset after the answer (the gateway did not read the whole body) is fine.
			if (received.size() == 0) {
				throw ex;
			}
		}
		Response response = complete(received.toByteArray());
		if (response == null) {
			throw new IOException("incomplete response: " + preview(received.toByteArray(), 300));
		}
		return response;
	}

	/** The response in these bytes, or null when more are needed. */
	private static Response complete(byte[] raw) {
		int headEnd = indexOf(raw, ascii("\r\n\r\n"), 0);
		if (headEnd < 0) {
			return null;
		}
		String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
			}
		}
		int start = headEnd + 4;
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int position = start;
			while (true) {
				int lineEnd = indexOf(raw, ascii("\r\n"), position);
				if (lineEnd < 0) {
					return null;
				}
				String sizeLine = new String(raw, position, lineEnd - position, StandardCharsets.ISO_8859_1);
				int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
				if (size == 0) {
					return new Response(status, headers, body.toByteArray());
				}
				if (lineEnd + 2 + size + 2 > raw.length) {
					return null;
				}
				body.write(raw, lineEnd + 2, size);
				position = lineEnd + 2 + size + 2;
			}
		}
		String length = headers.get("content-length");
		if (length != null) {
			int size = Integer.parseInt(length);
			return (raw.length - start >= size)
					? new Response(status, headers, Arrays.copyOfRange(raw, start, start + size)) : null;
		}
		// Neither: the body runs to the end of the connection.
		return null;
	}

	private static int indexOf(byte[] bytes, byte[] target, int from) {
		for (int i = from; i + target.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + target.length, target, 0, target.length)) {
				return i;
			}
		}
		return -1;
	}

	/** Bytes as readable text: printable ASCII as is, the rest escaped. */
	static String preview(byte[] bytes, int max) {
		String text = new String(bytes, 0, Math.min(bytes.length, max * 4), StandardCharsets.UTF_8);
		StringBuilder preview = new StringBuilder();
		for (int i = 0; i < text.length() && preview.length() < max; i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7f) {
				preview.append(c);
			}
			else {
				preview.append(String.format("\\u%04x", (int) c));
			}
		}
		if (preview.length() >= max || bytes.length > max * 4) {
			preview.append("...");
		}
		return preview.toString();
	}

}
