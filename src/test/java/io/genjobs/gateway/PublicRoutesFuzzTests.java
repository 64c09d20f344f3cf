package io.genjobs.gateway;

import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.fuzz.FuzzCase;
import io.genjobs.gateway.support.fuzz.FuzzRoute;
import io.genjobs.gateway.support.fuzz.RawHttp;
import io.genjobs.gateway.support.fuzz.RawHttp.Result;
import io.genjobs.gateway.support.fuzz.RawResponse;
import io.genjobs.gateway.support.fuzz.RouteRequestGenerator;
import io.genjobs.gateway.support.fuzz.RouteRequestGenerator.RouteRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded fuzz test of every public route (each one the handler mappings declare, found
 * at run time, so a new route is fuzzed without being listed): hostile, malformed and
 * valid path parameters, query parameters, cursors, headers and small bodies, sent over
 * raw HTTP/1.1, and one property checked on every answer: never a 5xx, and every error
 * {@code application/problem+json} with {@code type}, {@code title}, {@code status} (the
 * HTTP status) and {@code detail}. The one exception is a request that is not HTTP at all
 * (a control character in a header, a request line over 4 KB): the HTTP server refuses it
 * itself, with a bare 4xx.
 * <p>
 * Seeds work as in {@code PostJobsFuzzTests} ({@link FuzzCase}): {@code -Dfuzz.seed},
 * {@code -Dfuzz.case}, {@code -Dfuzz.iterations}. The requests are made by
 * {@link RouteRequestGenerator}; the only URLs they carry name loopback test servers.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class PublicRoutesFuzzTests {

	private static final long DEFAULT_SEED = 0x5EC0_11_2026L;

	private static final int DEFAULT_ITERATIONS = 2500;

	private static final int CONCURRENCY = 8;

	private static final JsonMapper json = JsonMapper.builder().build();

	/** What the HTTP server itself answers to a request that is not valid HTTP. */
	private static final Set<Integer> SERVER_REFUSALS = Set.of(400, 413, 414, 417, 431);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Value("${gateway.admin-token}")
	String adminToken;

	TestTeam team;

	String jobId;

	/**
	 * A cancelled job, for the event stream: a stream of an unfinished job stays open
	 * (for up to {@code gateway.jobs.stream-max-duration}), one of a finished job ends
	 * after its events.
	 */
	String finishedJobId;

	String endpointId;

	String otherTeamId;

	String otherKeyId;

	@BeforeEach
	void fixtures() {
		this.team = this.teams.create(1_000_000, 1_000_000);
		this.jobId = TestJobs.create(this.client, this.team, "route fuzz");
		this.finishedJobId = TestJobs.create(this.client, this.team, "route fuzz, finished");
		post("Bearer " + this.team.key(), "/jobs/" + this.finishedJobId + "/cancel", "{}");
		this.endpointId = post("Bearer " + this.team.key(), "/webhooks/endpoints",
				"{\"url\": \"http://" + TestWebhookConsumer.hostPort() + "/route-fuzz\"}")
			.get("id")
			.stringValue();
		// The admin routes act on a team of their own, never on the fuzzing team.
		this.otherTeamId = this.teams.create().id().toString();
		this.otherKeyId = post("Bearer " + this.adminToken, "/admin/teams/" + this.otherTeamId + "/keys", "{}")
			.get("id")
			.stringValue();
	}

	@Test
	void noPublicRouteAnswers5xxAndEveryErrorIsProblemJson() throws Exception {
		List<FuzzRoute> routes = publicRoutes();
		assertThat(routes).extracting(FuzzRoute::toString)
			.contains("POST /jobs", "GET /jobs", "GET /jobs/{id}", "POST /jobs/{id}/cancel", "GET /models/{*id}",
					"GET /webhooks/deliveries", "POST /admin/teams", "PATCH /admin/teams/{id}",
					"DELETE /admin/keys/{id}", "GET /v3/api-docs");
		List<FuzzCase> cases = FuzzCase.fromSystemProperties(DEFAULT_SEED, DEFAULT_ITERATIONS);
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		Map<String, Map<Integer, AtomicInteger>> byRoute = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		long started = System.nanoTime();
		try (ExecutorService executor = Executors.newFixedThreadPool(CONCURRENCY)) {
			List<Future<?>> runs = new ArrayList<>();
			for (FuzzCase fuzzCase : cases) {
				runs.add(executor.submit(() -> {
					RouteRequest request = generate(routes, fuzzCase.caseSeed());
					Result result = RawHttp.exchange(this.port, request.method(), request.target(), request.request());
					int status = (result.response() != null) ? result.response().status() : -1;
					statuses.computeIfAbsent(status, (s) -> new AtomicInteger()).incrementAndGet();
					byRoute.computeIfAbsent(request.route().toString(), (r) -> new ConcurrentHashMap<>())
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
		StringBuilder summary = new StringBuilder().append("Public routes fuzz: ")
			.append(cases.size())
			.append(" cases over ")
			.append(routes.size())
			.append(" routes, run seeds [")
			.append(seeds)
			.append("], ")
			.append(millis)
			.append(" ms; statuses ")
			.append(histogram);
		new TreeMap<>(byRoute)
			.forEach((route, counts) -> summary.append("\n  ").append(route).append(' ').append(new TreeMap<>(counts)));
		System.out.println(summary);
		assertThat(failures)
			.as("%d of %d cases broke the property (run seeds [%s]; replay a run with -Dfuzz.seed=<seed>, one case "
					+ "with -Dfuzz.case=<case seed>):%n%s", failures.size(), cases.size(), seeds,
					failures.stream().limit(25).collect(Collectors.joining("\n")))
			.isEmpty();
		if (cases.size() >= 1000) {
			assertThat(byRoute.keySet()).as("every route was fuzzed")
				.containsAll(routes.stream().map(FuzzRoute::toString).toList());
			assertThat(statuses).as("the fuzz reached answers and refusals alike: %s", histogram)
				.containsKeys(200, 400, 401, 404, 405);
		}
	}

	// ---------------------------------------------------------------------------------
	// The property

	private static List<String> violations(RouteRequest request, Result result) {
		List<String> violations = new ArrayList<>();
		RawResponse response = result.response();
		if (response == null) {
			violations.add("no HTTP answer: " + result.error());
			return violations;
		}
		int status = response.status();
		if (status >= 500) {
			violations.add("answered " + status);
		}
		boolean bareServerRefusal = request.request().notHttp() && SERVER_REFUSALS.contains(status)
				&& !isProblem(response);
		if (status >= 400 && !bareServerRefusal) {
			checkProblem(request, response, violations);
		}
		if (status < 200) {
			violations.add("answered " + status + ", neither a success, a redirect nor an error");
		}
		return violations;
	}

	private static void checkProblem(RouteRequest request, RawResponse response, List<String> violations) {
		if (!isProblem(response)) {
			violations.add("error answered with Content-Type " + response.header("content-type")
					+ ", not application/problem+json");
		}
		if (request.method().equals("HEAD")) {
			return;
		}
		JsonNode problem;
		try {
			problem = json.readTree(response.body());
		}
		catch (RuntimeException ex) {
			violations.add("body is not JSON: " + ex.getMessage());
			return;
		}
		if (problem == null || !problem.isObject()) {
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
	}

	private static boolean isProblem(RawResponse response) {
		String contentType = response.header("content-type");
		try {
			return contentType != null
					&& MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_PROBLEM_JSON);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	// ---------------------------------------------------------------------------------
	// Routes and requests

	/** Every route of the application's handler mappings, in a fixed order. */
	private List<FuzzRoute> publicRoutes() {
		List<FuzzRoute> routes = new ArrayList<>();
		for (RequestMappingHandlerMapping mapping : this.context.getBeansOfType(RequestMappingHandlerMapping.class)
			.values()) {
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
				RequestMappingInfo info = entry.getKey();
				HandlerMethod handler = entry.getValue();
				List<String> parameters = new ArrayList<>();
				List<String> headers = new ArrayList<>();
				for (MethodParameter parameter : handler.getMethodParameters()) {
					RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
					if (param != null) {
						parameters.add(name(param.name(), parameter));
					}
					RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
					if (header != null) {
						headers.add(name(header.name(), parameter));
					}
				}
				boolean consumesJson = !info.getConsumesCondition().isEmpty();
				Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
				for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
					for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
						routes.add(new FuzzRoute(method.name(), pattern.getPatternString(), List.copyOf(parameters),
								List.copyOf(headers), consumesJson));
					}
				}
			}
		}
		routes.sort(Comparator.comparing(FuzzRoute::toString));
		return routes;
	}

	private static String name(String declared, MethodParameter parameter) {
		if (!declared.isEmpty()) {
			return declared;
		}
		Parameter reflected = parameter.getMethod().getParameters()[parameter.getParameterIndex()];
		return reflected.getName();
	}

	private RouteRequest generate(List<FuzzRoute> routes, long caseSeed) {
		Random random = new Random(caseSeed);
		FuzzRoute route = routes.get(random.nextInt(routes.size()));
		return new RouteRequestGenerator(random, route, new Fixtures()).generate();
	}

	private JsonNode post(String authorization, String path, String body) {
		byte[] answer = this.client.post()
			.uri(path)
			.header("Authorization", authorization)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.is2xxSuccessful()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return json.readTree(answer);
	}

	private final class Fixtures implements RouteRequestGenerator.Fixtures {

		@Override
		public String idFor(FuzzRoute route, Random random) {
			String pattern = route.pattern();
			if (pattern.startsWith("/jobs/") && pattern.endsWith("/events")) {
				return PublicRoutesFuzzTests.this.finishedJobId;
			}
			if (pattern.startsWith("/jobs/")) {
				return PublicRoutesFuzzTests.this.jobId;
			}
			if (pattern.startsWith("/webhooks/endpoints/")) {
				return PublicRoutesFuzzTests.this.endpointId;
			}
			if (pattern.startsWith("/admin/teams/")) {
				return PublicRoutesFuzzTests.this.otherTeamId;
			}
			if (pattern.startsWith("/admin/keys/")) {
				return PublicRoutesFuzzTests.this.otherKeyId;
			}
			return new UUID(random.nextLong(), random.nextLong()).toString();
		}

		@Override
		public String jobId() {
			return PublicRoutesFuzzTests.this.jobId;
		}

		@Override
		public String teamKey() {
			return PublicRoutesFuzzTests.this.team.key();
		}

		@Override
		public String adminToken() {
			return PublicRoutesFuzzTests.this.adminToken;
		}

	}

}
