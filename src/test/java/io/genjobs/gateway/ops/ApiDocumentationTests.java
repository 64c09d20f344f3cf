package io.genjobs.gateway.ops;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.support.TestTeamsWithKeys;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document: valid, complete, snake_case, with the auth schemes. */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class ApiDocumentationTests {

	@Autowired
	WebTestClient client;

	@Autowired
	ApplicationContext context;

	OpenAPI api;

	@BeforeEach
	void readDocument() {
		byte[] body = this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		SwaggerParseResult result = new OpenAPIV3Parser().readContents(new String(body), null, null);
		assertThat(result.getMessages()).as("OpenAPI validation messages").isEmpty();
		this.api = result.getOpenAPI();
	}

	@Test
	void describesEveryEndpoint() {
		assertThat(this.api.getPaths()).containsKeys("/jobs", "/jobs/{id}", "/jobs/{id}/cancel", "/jobs/{id}/history",
				"/models", "/models/{id}", "/admin/teams", "/admin/teams/{id}", "/admin/teams/{id}/keys",
				"/admin/keys/{id}");
		assertThat(this.api.getPaths().get("/jobs").getPost().getOperationId()).isEqualTo("createJob");
		assertThat(this.api.getPaths().get("/jobs").getPost().getResponses()).containsKeys("202", "401", "422", "429");
		assertThat(this.api.getPaths().get("/jobs").getPost().getRequestBody().getContent())
			.containsKey("application/json");
		this.api.getPaths().values().forEach((item) -> item.readOperations().forEach((operation) -> {
			assertThat(operation.getSummary()).as(operation.getOperationId()).isNotBlank();
			assertThat(operation.getResponses()).containsKey("default");
		}));
	}

	/**
	 * The document against the routes the application serves: a route renamed, added or
	 * removed shows up here, not as a stale document.
	 */
	@Test
	void documentsExactlyTheRoutesTheControllersServe() {
		Set<String> routes = new TreeSet<>();
		this.context.getBeansOfType(RequestMappingHandlerMapping.class)
			.values()
			.forEach((mapping) -> mapping.getHandlerMethods().forEach((info, handler) -> {
				if (!handler.getBeanType().getPackageName().startsWith("io.genjobs.gateway")) {
					return;
				}
				Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
				assertThat(methods).as("HTTP methods of %s", handler).isNotEmpty();
				for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
					// "/models/{*id}" captures the rest of the path; OpenAPI writes
					// "{id}".
					String path = pattern.getPatternString().replaceAll("\\{\\*(\\w+)}", "{$1}");
					methods.forEach((method) -> routes.add(method + " " + path));
				}
			}));
		Set<String> documented = new TreeSet<>();
		this.api.getPaths()
			.forEach((path, item) -> item.readOperationsMap()
				.keySet()
				.forEach((method) -> documented.add(method + " " + path)));
		assertThat(routes).as("routes").isNotEmpty().contains("POST /jobs", "GET /models/{id}");
		assertThat(documented).isEqualTo(routes);
	}

	/**
	 * What each feature's controller must say about its operations, so that a new
	 * endpoint cannot reach the document half described.
	 */
	@Test
	void describesEachOperationWithItsSuccessAndProblemAnswers() {
		this.api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
			String name = method + " " + path;
			assertThat(operation.getOperationId()).as(name).isNotBlank();
			assertThat(operation.getTags()).as(name).singleElement().isEqualTo(path.split("/")[1]);
			assertThat(operation.getResponses().keySet()).as(name).anyMatch((status) -> status.startsWith("2"));
			operation.getResponses().forEach((status, response) -> {
				assertThat(response.getDescription()).as(name + " " + status).isNotBlank();
				if (!status.startsWith("2")) {
					assertThat(response.getContent()).as(name + " " + status)
						.containsOnlyKeys("application/problem+json");
				}
			});
		}));
	}

	@Test
	void hidesTheResolvedTeamParameter() {
		this.api.getPaths().values().forEach((item) -> item.readOperations().forEach((operation) -> {
			if (operation.getParameters() != null) {
				assertThat(operation.getParameters()).noneMatch((parameter) -> parameter.getName().equals("team"));
			}
		}));
		assertThat(this.api.getComponents().getSchemas()).doesNotContainKey("TeamPrincipal");
	}

	@Test
	void usesSnakeCaseInTheJobSchema() {
		Map<String, Schema> job = this.api.getComponents().getSchemas().get("JobView").getProperties();
		assertThat(job).containsKeys("id", "model", "status", "input", "output", "error", "metadata", "webhook_url",
				"webhook_events", "upstream", "attempts", "sequence", "created_at", "updated_at", "submitted_at",
				"completed_at", "cost", "assets", "warnings", "priority", "deadline");
		assertThat(job.keySet()).allMatch((name) -> name.equals(name.toLowerCase()));
		// OpenAPI 3.1 documents keep types as a set.
		Schema<?> input = job.get("input");
		assertThat((input.getTypes() != null) ? input.getTypes() : Set.of(input.getType())).contains("object");
		assertThat(this.api.getComponents().getSchemas().get("JobPage").getProperties()).containsKey("next_cursor");
		// Enums are named schemas, so that generated clients share one type per enum.
		assertThat(job.get("status").get$ref()).isEqualTo("#/components/schemas/JobStatus");
		Schema<?> status = this.api.getComponents().getSchemas().get("JobStatus");
		assertThat(status.getEnum()).map(String::valueOf)
			.containsExactly("queued", "submitted", "running", "succeeded", "failed", "cancelled");
		assertThat(job.get("priority").get$ref()).isEqualTo("#/components/schemas/JobPriority");
		assertThat(this.api.getComponents().getSchemas().get("JobPriority").getEnum()).map(String::valueOf)
			.containsExactly("high", "normal", "low");
		assertThat(this.api.getComponents().getSchemas().get("JobView").getRequired()).contains("id", "status",
				"priority", "warnings", "assets", "cost");
		assertThat(this.api.getComponents().getSchemas().get("JobRequest").getProperties()).containsKeys("priority",
				"deadline");
		// Kept as JSON text, sent as JSON: a client generated from a string type fails on
		// it.
		Schema<?> upstreamOutput = (Schema<?>) this.api.getComponents()
			.getSchemas()
			.get("Upstream")
			.getProperties()
			.get("output");
		assertThat((upstreamOutput.getTypes() != null) ? upstreamOutput.getTypes() : Set.of(upstreamOutput.getType()))
			.contains("object");
	}

	@Test
	void describesTheErrorFormat() {
		Schema<?> problem = this.api.getComponents().getSchemas().get("Problem");
		assertThat(problem.getProperties()).containsKeys("type", "title", "status", "detail", "instance", "errors");
		Operation get = this.api.getPaths().get("/jobs/{id}").getGet();
		assertThat(get.getResponses().get("404").getContent()).containsKey("application/problem+json");
	}

	@Test
	void declaresBearerAuthWithTheAdminTokenForAdminRoutes() {
		Map<String, SecurityScheme> schemes = this.api.getComponents().getSecuritySchemes();
		assertThat(schemes).containsKeys(SecuritySchemes.API_KEY, SecuritySchemes.ADMIN_TOKEN);
		assertThat(schemes.get(SecuritySchemes.API_KEY).getScheme()).isEqualTo("bearer");
		this.api.getPaths().forEach((path, item) -> item.readOperations().forEach((operation) -> {
			String expected = path.startsWith("/admin/") ? SecuritySchemes.ADMIN_TOKEN : SecuritySchemes.API_KEY;
			assertThat(operation.getSecurity()).as(path)
				.singleElement()
				.satisfies((requirement) -> assertThat(requirement).containsOnlyKeys(expected));
		}));
	}

	@Test
	void servesTheSwaggerUiWithoutAKey() {
		String location = this.client.get()
			.uri("/swagger-ui.html")
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getFirst(HttpHeaders.LOCATION);
		assertThat(location).contains("/swagger-ui/index.html");
		this.client.get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk();
		assertThat(List.of(this.api.getInfo().getTitle())).containsExactly("RunComfy Gateway");
	}

}
