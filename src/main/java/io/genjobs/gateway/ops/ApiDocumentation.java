package io.genjobs.gateway.ops;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * What the OpenAPI document at {@code /v3/api-docs} (and the Swagger UI at
 * {@code /swagger-ui.html}) says about every endpoint at once. Each feature documents its
 * own operations with annotations on its controller; this class adds what is global:
 * snake_case member names, the bearer schemes, and the problem+json error format that
 * every error response uses, including the {@code 401} of any endpoint that needs a
 * credential.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String SCHEMAS = "#/components/schemas/";

	private static final Map<String, String> UNAUTHENTICATED = Map.of(SecuritySchemes.API_KEY,
			"Missing, unknown or revoked API key (`unauthenticated`)", SecuritySchemes.ADMIN_TOKEN,
			"Missing or wrong admin token (`unauthenticated`)");

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
				.addSecuritySchemes(SecuritySchemes.API_KEY,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("A team's API key: `Authorization: Bearer rcg_...`"))
				.addSecuritySchemes(SecuritySchemes.ADMIN_TOKEN,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("The admin token (setting gateway.admin-token), for /admin/** only")));
	}

	@Bean
	OpenApiCustomizer problemDocuments() {
		return (openApi) -> {
			// Added here, not on the OpenAPI bean: springdoc replaces the bean's schemas
			// with the ones it finds.
			openApi.getComponents().addSchemas("Problem", problemSchema()).addSchemas("FieldError", fieldErrorSchema());
			openApi.getComponents().getSchemas().values().forEach(ApiDocumentation::typeObjects);
			if (openApi.getPaths() != null) {
				openApi.getPaths()
					.values()
					.forEach((item) -> item.readOperations().forEach(ApiDocumentation::describeErrors));
			}
		};
	}

	/**
	 * Every error answer is a problem document, whatever the controller's method returns;
	 * an endpoint that needs a credential answers 401 without one.
	 */
	private static void describeErrors(Operation operation) {
		ApiResponses responses = (operation.getResponses() != null) ? operation.getResponses() : new ApiResponses();
		responses.forEach((status, response) -> {
			if (isError(status)) {
				response.setContent(problemContent());
			}
		});
		if (operation.getSecurity() != null) {
			operation.getSecurity()
				.stream()
				.flatMap((requirement) -> requirement.keySet().stream())
				.map(UNAUTHENTICATED::get)
				.filter((description) -> description != null)
				.findFirst()
				.ifPresent((description) -> responses.addApiResponse("401", problem(description)));
		}
		responses.addApiResponse("default", problem("Any other error, as application/problem+json"));
		ApiResponses sorted = new ApiResponses();
		responses.keySet().stream().sorted().forEach((status) -> sorted.addApiResponse(status, responses.get(status)));
		operation.setResponses(sorted);
	}

	/**
	 * swagger-core leaves out {@code "type": "object"} of records; say it, so that tools
	 * which do not infer it from {@code properties} read the schema right.
	 */
	private static void typeObjects(Schema<?> schema) {
		// OpenAPI 3.1 writes the set of types, not the single 3.0 type.
		boolean untyped = schema.getTypes() == null || schema.getTypes().isEmpty();
		if (untyped && schema.get$ref() == null && schema.getProperties() != null) {
			schema.addType("object");
		}
	}

	private static boolean isError(String status) {
		return status.startsWith("4") || status.startsWith("5") || status.equals("default");
	}

	private static ApiResponse problem(String description) {
		return new ApiResponse().description(description).content(problemContent());
	}

	private static Content problemContent() {
		return new Content().addMediaType(PROBLEM_JSON,
				new MediaType().schema(new Schema<>().$ref(SCHEMAS + "Problem")));
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

}
