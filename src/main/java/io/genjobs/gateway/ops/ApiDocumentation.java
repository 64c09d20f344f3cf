package io.genjobs.gateway.ops;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.genjobs.gateway.team.TeamPrincipal;

/**
 * The OpenAPI document at {@code /v3/api-docs} (and the Swagger UI at
 * {@code /swagger-ui.html}). springdoc finds every controller by itself, including
 * features added later; this class adds what it cannot see: snake_case member names, the
 * bearer schemes (a team's API key; the admin token for {@code /admin/**}), the
 * problem+json error format, the request bodies that controllers read as raw JSON, and a
 * summary for each known operation.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

	static final String API_KEY = "apiKey";

	static final String ADMIN_TOKEN = "adminToken";

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String JSON = "application/json";

	private static final String SCHEMAS = "#/components/schemas/";

	static {
		// The authenticated team is a resolved argument, not a request parameter; raw
		// JSON (Jackson 3) is any JSON value, not a bean to introspect.
		SpringDocUtils.getConfig()
			.addRequestWrapperToIgnore(TeamPrincipal.class)
			.replaceWithSchema(tools.jackson.databind.JsonNode.class, new Schema<>().description("any JSON value"));
	}

	/**
	 * springdoc builds schemas with swagger-core, which uses Jackson 2 and so cannot see
	 * {@code spring.jackson.property-naming-strategy}: without this the document would
	 * show camelCase members that the API never sends.
	 */
	@Bean
	ModelResolver snakeCaseModelResolver() {
		return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
	}

	@Bean
	OpenAPI gatewayOpenApi(ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		String version = (properties != null) ? properties.getVersion() : "dev";
		return new OpenAPI().info(new Info().title("RunComfy Gateway").version(version).description("""
				Validates generation jobs against each model's input schema, stores them, forwards them to \
				RunComfy's Model API under global limits, tracks them to the end and pushes signed webhooks. \
				JSON members are snake_case; timestamps are RFC 3339 in UTC. Every error is \
				application/problem+json (RFC 9457); validation errors list every failed field in `errors`."""))
			.components(new Components()
				.addSecuritySchemes(API_KEY,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("A team's API key: `Authorization: Bearer rcg_...`"))
				.addSecuritySchemes(ADMIN_TOKEN,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("The admin token (setting gateway.admin-token), for /admin/** only")));
	}

	@Bean
	OpenApiCustomizer gatewayOperations() {
		return (openApi) -> {
			// Added here, not on the OpenAPI bean: springdoc replaces the bean's schemas
			// with
			// the ones it finds.
			openApi.getComponents()
				.addSchemas("Problem", problemSchema())
				.addSchemas("FieldError", fieldErrorSchema())
				.addSchemas("JobRequest", jobRequestSchema())
				.addSchemas("NewTeam", teamSchema(true))
				.addSchemas("TeamChanges", teamSchema(false));
			fixJobSchema(openApi);
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
				describe(path, method, operation);
			}));
		};
	}

	private static void describe(String path, PathItem.HttpMethod method, Operation operation) {
		boolean admin = path.startsWith("/admin/");
		operation.setSecurity(List.of(new SecurityRequirement().addList(admin ? ADMIN_TOKEN : API_KEY)));
		String[] segments = path.split("/");
		if (segments.length > 1) {
			operation.setTags(List.of(segments[1]));
		}
		Known known = KNOWN.get(method + " " + path);
		ApiResponses responses = (operation.getResponses() != null) ? operation.getResponses() : new ApiResponses();
		if (known != null) {
			operation.setOperationId(known.operationId());
			operation.setSummary(known.summary());
			if (known.requestSchema() != null) {
				operation.setRequestBody(new RequestBody().required(true)
					.content(new Content().addMediaType(JSON,
							new MediaType().schema(new Schema<>().$ref(SCHEMAS + known.requestSchema())))));
			}
			if (known.success() != null && !known.success().equals("200") && responses.get("200") != null) {
				ApiResponse ok = responses.remove("200");
				ok.setDescription(known.successDescription());
				responses.addApiResponse(known.success(), ok);
			}
			else if (known.successDescription() != null) {
				responses.values()
					.stream()
					.findFirst()
					.ifPresent((ok) -> ok.setDescription(known.successDescription()));
			}
			known.problems().forEach((status, description) -> responses.addApiResponse(status, problem(description)));
		}
		responses.addApiResponse("401", problem(admin ? "Missing or wrong admin token (`unauthenticated`)"
				: "Missing, unknown or revoked API key (`unauthenticated`)"));
		if (admin) {
			responses.addApiResponse("403",
					problem("A team key used on /admin/** (`admin-access-denied`), or the admin API is off "
							+ "(`admin-api-disabled`)"));
		}
		responses.addApiResponse("default", problem("Any other error, as application/problem+json"));
		ApiResponses sorted = new ApiResponses();
		responses.keySet().stream().sorted().forEach((status) -> sorted.addApiResponse(status, responses.get(status)));
		operation.setResponses(sorted);
	}

	private static ApiResponse problem(String description) {
		return new ApiResponse().description(description)
			.content(new Content().addMediaType(PROBLEM_JSON,
					new MediaType().schema(new Schema<>().$ref(SCHEMAS + "Problem"))));
	}

	/**
	 * Members the job keeps as JSON text are sent as JSON values: say so, rather than
	 * "string".
	 */
	@SuppressWarnings("unchecked")
	private static void fixJobSchema(OpenAPI openApi) {
		if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
			return;
		}
		Schema<?> job = openApi.getComponents().getSchemas().get("JobView");
		if (job == null || job.getProperties() == null) {
			return;
		}
		Map<String, Schema> properties = job.getProperties();
		properties.computeIfPresent("input",
				(name, schema) -> new ObjectSchema().description("The model's input, defaults filled in"));
		properties.computeIfPresent("output", (name, schema) -> new ObjectSchema()
			.description("The model's output (video, videos, image or images); null until succeeded"));
		properties.computeIfPresent("metadata",
				(name, schema) -> new ObjectSchema().description("The client's metadata, echoed back"));
		properties.computeIfPresent("webhook_events", (name, schema) -> new ArraySchema().items(eventTypes())
			.description("Events sent to webhook_url (default: the terminal ones)"));
		job.setDescription("A generation job. `status`: queued → submitted → running → succeeded | failed | "
				+ "cancelled; terminal states never change, and `sequence` grows by one with every change.");
	}

	private static Schema<?> problemSchema() {
		return new ObjectSchema().description("An RFC 9457 problem document; `errors` only for validation")
			.addProperty("type",
					new StringSchema().format("uri")
						.description("https://runcomfy-gateway.genjobs.io/problems/<slug>, stable: switch on it"))
			.addProperty("title", new StringSchema())
			.addProperty("status", new IntegerSchema())
			.addProperty("detail", new StringSchema())
			.addProperty("instance", new StringSchema().description("The request path"))
			.addProperty("errors",
					new ArraySchema().items(new Schema<>().$ref(SCHEMAS + "FieldError"))
						.description("Every failed field at once (422 validation-failed)"))
			.required(List.of("type", "title", "status"));
	}

	private static Schema<?> fieldErrorSchema() {
		return new ObjectSchema()
			.addProperty("field", new StringSchema().example("input.image_urls[0]").description("Where, as a path"))
			.addProperty("message", new StringSchema())
			.required(List.of("field", "message"));
	}

	private static Schema<?> jobRequestSchema() {
		return new ObjectSchema().description("A job to run. Unknown members are refused.")
			.addProperty("model",
					new StringSchema()
						.description("A model id from GET /models (default: the configured default model)"))
			.addProperty("input",
					new ObjectSchema()
						.description("The model's input exactly as RunComfy takes it; see the model's input_schema"))
			.addProperty("webhook_url", new StringSchema().format("uri").description("Also receives this job's events"))
			.addProperty("webhook_events", new ArraySchema().items(eventTypes()))
			.addProperty("metadata", new ObjectSchema().description("Any JSON object up to 4 KiB, echoed back"))
			.required(List.of("input"))
			.additionalProperties(false);
	}

	private static Schema<?> teamSchema(boolean create) {
		Schema<?> schema = new ObjectSchema().addProperty("name", new StringSchema().minLength(1).maxLength(100))
			.addProperty("rate_limit_per_second",
					new IntegerSchema().minimum(BigDecimal.ONE).description("POST /jobs requests per second"))
			.addProperty("max_queued_jobs",
					new IntegerSchema().minimum(BigDecimal.ONE).description("Most jobs queued at once"))
			.additionalProperties(false);
		return create ? schema.required(List.of("name")) : schema.description("Only the members to change");
	}

	private static Schema<String> eventTypes() {
		StringSchema events = new StringSchema();
		events.setEnum(List.of("job.submitted", "job.running", "job.succeeded", "job.failed", "job.cancelled"));
		return events;
	}

	private record Known(String operationId, String summary, String requestSchema, String success,
			String successDescription, Map<String, String> problems) {
	}

	private static final Map<String, Known> KNOWN = new LinkedHashMap<>();

	static {
		Map<String, String> notFound = Map.of("404", "No such job for this team (`job-not-found`)");
		known("POST /jobs", "createJob", "Submit a job", "JobRequest", "202",
				"Accepted: the job, queued (Location: /jobs/{id}). A repeated Idempotency-Key with the same body "
						+ "answers 200 with the original job",
				Map.of("400", "Malformed JSON or Idempotency-Key", "409",
						"Idempotency-Key reused with another body (`idempotency-key-reused`)", "413", "Body too large",
						"415", "Not application/json", "422", "Validation failed: `errors` names every failed field",
						"429", "`rate-limited` or `queue-full`, with Retry-After", "503",
						"Database or RunComfy unavailable, with Retry-After"));
		known("GET /jobs", "listJobs", "List the team's jobs, newest first", null, null,
				"A page: `data` and `next_cursor` (null on the last page)",
				Map.of("400", "Bad status, model, limit or cursor (`invalid-parameter`)"));
		known("GET /jobs/{id}", "getJob", "Get a job", null, null, "The job", notFound);
		known("GET /jobs/{id}/history", "getJobHistory", "A job's state changes, oldest first", null, null,
				"The transitions", notFound);
		known("POST /jobs/{id}/cancel", "cancelJob", "Cancel a job", null, null,
				"The job, cancelled (202: the cancel is recorded and happens once a submit under way resolves)",
				Map.of("404", "No such job for this team (`job-not-found`)", "409",
						"Running or finished: it can no longer be cancelled (`not-cancellable`)", "503",
						"RunComfy could not be asked (`upstream-unavailable`)"));
		known("GET /models", "listModels", "The model catalog", null, null, "Every model with its input schema",
				Map.of());
		known("GET /models/{id}", "getModel", "One model (its id contains slashes)", null, null,
				"The model with its input JSON Schema", Map.of("404", "Unknown model (`model-not-found`)"));
		known("POST /admin/teams", "createTeam", "Create a team", "NewTeam", "201", "The team",
				Map.of("409", "Name taken (`duplicate-team-name`)", "422", "Validation failed"));
		known("GET /admin/teams", "listTeams", "List teams", null, null, "The teams", Map.of());
		known("GET /admin/teams/{id}", "getTeam", "Get a team", null, null, "The team",
				Map.of("404", "No such team (`team-not-found`)"));
		known("PATCH /admin/teams/{id}", "updateTeam", "Change a team's name or limits", "TeamChanges", null,
				"The team",
				Map.of("404", "No such team (`team-not-found`)", "409", "Name taken", "422", "Validation failed"));
		known("POST /admin/teams/{id}/keys", "issueKey", "Issue an API key (shown this once)", null, "201",
				"The key: `key` is never shown again", Map.of("404", "No such team (`team-not-found`)"));
		known("GET /admin/teams/{id}/keys", "listKeys", "List a team's keys (prefixes only)", null, null, "The keys",
				Map.of("404", "No such team (`team-not-found`)"));
		known("DELETE /admin/keys/{id}", "revokeKey", "Revoke a key, effective at once", null, "204", "Revoked",
				Map.of("404", "No such key (`api-key-not-found`)"));
		Map<String, String> noEndpoint = Map.of("404", "No such endpoint for this team (`webhook-endpoint-not-found`)");
		Map<String, String> noDelivery = Map.of("404", "No such delivery for this team (`webhook-delivery-not-found`)");
		known("POST /webhooks/endpoints", "createWebhookEndpoint", "Register a webhook endpoint", null, "201",
				"The endpoint with its own signing secret",
				Map.of("422", "Bad URL or events, or the URL is refused by the outbound guard"));
		known("GET /webhooks/endpoints", "listWebhookEndpoints", "List the team's webhook endpoints", null, null,
				"The endpoints", Map.of());
		known("GET /webhooks/endpoints/{id}", "getWebhookEndpoint", "Get a webhook endpoint", null, null,
				"The endpoint", noEndpoint);
		known("DELETE /webhooks/endpoints/{id}", "deleteWebhookEndpoint", "Delete a webhook endpoint", null, "204",
				"Deleted; its pending deliveries fail", noEndpoint);
		known("GET /webhooks/secret", "getWebhookSecret", "The team's secret for jobs' own webhook_url", null, null,
				"The secret", Map.of());
		known("POST /webhooks/secret/rotate", "rotateWebhookSecret",
				"Rotate the team's secret (the old one keeps signing for a grace period)", null, null, "The new secret",
				Map.of());
		known("GET /webhooks/deliveries", "listWebhookDeliveries", "The delivery log, newest first", null, null,
				"A page of deliveries with their attempts", Map.of("400", "Bad filter, limit or cursor"));
		known("GET /webhooks/deliveries/{id}", "getWebhookDelivery", "Get a delivery with its attempts", null, null,
				"The delivery", noDelivery);
		known("POST /webhooks/deliveries/{id}/retry", "retryWebhookDelivery", "Send a delivery again", null, "202",
				"The delivery, due now", Map.of("404", "No such delivery for this team (`webhook-delivery-not-found`)",
						"409", "Delivered already, or its endpoint is disabled or deleted (`delivery-not-retryable`)"));
	}

	private static void known(String key, String operationId, String summary, String requestSchema, String success,
			String successDescription, Map<String, String> problems) {
		KNOWN.put(key, new Known(operationId, summary, requestSchema, success, successDescription, problems));
	}

}
