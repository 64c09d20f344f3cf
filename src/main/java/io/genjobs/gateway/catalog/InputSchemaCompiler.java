package io.genjobs.gateway.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;

import static io.genjobs.gateway.catalog.RunComfyDialect.MEDIA_TYPES;
import static io.genjobs.gateway.catalog.RunComfyDialect.VALIDATIONS;

/**
 * Compiles one model's input schema: reads it in RunComfy's dialect
 * ({@link RunComfyDialect}), checks that it is a JSON Schema of a known dialect whose
 * references stay inside the file and whose defaults are valid, compiles it for the JSON
 * Schema library (closed to unknown fields) and compiles its {@link FieldChecks}.
 */
final class InputSchemaCompiler {

	private static final String DEFAULT_DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	/**
	 * Compiles input schemas. RunComfy's {@code validations} keyword and the gateway's
	 * {@code x-media-types} are declared (as annotations) in every dialect, so the
	 * library neither warns about them nor checks them; the catalog does.
	 */
	private final SchemaRegistry schemaRegistry;

	/**
	 * Checks that an input schema is a JSON Schema at all, with the bundled meta-schemas.
	 */
	private final SchemaRegistry metaSchemaRegistry;

	InputSchemaCompiler() {
		SchemaRegistryConfig config = SchemaRegistryConfig.builder().locale(Locale.ENGLISH).build();
		List<Dialect> dialects = Stream
			.of(Dialects.getDraft4(), Dialects.getDraft6(), Dialects.getDraft7(), Dialects.getDraft201909(),
					Dialects.getDraft202012())
			.map((dialect) -> Dialect.builder(dialect)
				.keyword(new AnnotationKeyword(VALIDATIONS))
				.keyword(new AnnotationKeyword(MEDIA_TYPES))
				.build())
			.toList();
		this.schemaRegistry = SchemaRegistry.withDialects(dialects,
				(builder) -> builder.defaultDialectId(DEFAULT_DIALECT).schemaRegistryConfig(config));
		this.metaSchemaRegistry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
				(builder) -> builder.schemaRegistryConfig(config));
	}

	/**
	 * Compiles one model's {@code input_schema} (from a file or from RunComfy's catalog).
	 * @return the compiled schema
	 * @throws UnusableSchemaException listing every problem, each naming its place in the
	 * schema ({@code input_schema.properties.image.validations: unknown ...})
	 */
	CompiledInput compile(JsonNode inputSchema) {
		List<String> problems = new ArrayList<>();
		Optional<CompiledInput> compiled = compile(inputSchema, new CatalogProblems(null, problems));
		if (compiled.isEmpty() || !problems.isEmpty()) {
			throw new UnusableSchemaException(problems);
		}
		return compiled.get();
	}

	/**
	 * Compiles a model file's {@code input_schema}, reporting every problem to
	 * {@code problems}.
	 * @return the compiled schema, or empty when it has problems
	 */
	Optional<CompiledInput> compile(JsonNode runComfySchema, CatalogProblems problems) {
		String where = "input_schema";
		if (runComfySchema == null || !runComfySchema.isObject()) {
			problems.at(where, "must be an object (the model's Input schema)");
			return Optional.empty();
		}
		JsonNode inputSchema = RunComfyDialect.normalized(runComfySchema);
		JsonNode dialect = inputSchema.get("$schema");
		String dialectId = DEFAULT_DIALECT;
		if (dialect != null) {
			// An unknown dialect would make the library fetch it over the network.
			if (!dialect.isString() || SpecificationVersion.fromDialectId(dialect.stringValue()).isEmpty()) {
				problems.at(where + ".$schema",
						"unknown JSON Schema dialect " + dialect + "; known: "
								+ Stream.of(SpecificationVersion.values())
									.map(SpecificationVersion::getDialectId)
									.collect(Collectors.joining(", ")));
				return Optional.empty();
			}
			dialectId = dialect.stringValue();
		}
		int before = problems.count();
		checkReferencesAreLocal(inputSchema, where, problems);
		if (!"object".equals(inputSchema.path("type").asString(""))) {
			problems.at(where + ".type", "must be \"object\": a model's input is a JSON object");
		}
		Schema metaSchema = this.metaSchemaRegistry.getSchema(SchemaLocation.of(dialectId));
		metaSchema.validate(inputSchema)
			.stream()
			.map((error) -> SchemaErrors.path(where, error.getInstanceLocation()) + ": not valid JSON Schema: "
					+ error.getMessage())
			.distinct()
			.forEach(problems::add);
		if (problems.count() > before) {
			return Optional.empty();
		}
		Set<JsonNode> reached = Collections.newSetFromMap(new IdentityHashMap<>());
		FieldChecks checks = FieldChecksCompiler.compile(inputSchema, where, reached, problems);
		FieldChecksCompiler.checkNothingIgnored(inputSchema, where, reached, problems);
		Schema schema;
		try {
			schema = this.schemaRegistry.getSchema(closed(inputSchema));
		}
		catch (SchemaException ex) {
			problems.at(where, "not a usable JSON Schema: " + ex.getMessage());
			return Optional.empty();
		}
		checkDefaults(schema, checks, where, problems);
		return (problems.count() > before) ? Optional.empty() : Optional.of(new CompiledInput(schema, checks));
	}

	/**
	 * Only references inside the file are allowed: anything else would be fetched, at
	 * start-up or later, from wherever it points.
	 */
	private void checkReferencesAreLocal(JsonNode node, String where, CatalogProblems problems) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> child : node.properties()) {
				String key = child.getKey();
				JsonNode value = child.getValue();
				if ((key.equals("$ref") || key.equals("$dynamicRef") || key.equals("$recursiveRef")) && value.isString()
						&& !value.stringValue().startsWith("#")) {
					problems.at(where + SchemaErrors.segment(key),
							"only references inside the file (starting with #) are allowed, got " + value);
				}
				checkReferencesAreLocal(value, where + SchemaErrors.segment(key), problems);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				checkReferencesAreLocal(node.get(i), where + "[" + i + "]", problems);
			}
		}
	}

	/**
	 * The defaults the validator fills in must pass the schema themselves, or every job
	 * that leaves the field out would fail upstream.
	 */
	private void checkDefaults(Schema schema, FieldChecks checks, String where, CatalogProblems problems) {
		ObjectNode defaultsOnly = this.jsonMapper.createObjectNode();
		checks.fillDefaults(defaultsOnly);
		for (com.networknt.schema.Error error : schema.validate(defaultsOnly)) {
			if (!"required".equals(error.getKeyword())) {
				FieldError field = SchemaErrors.toFieldError(error, "input");
				problems.at(where, "the default for " + field.field() + " is invalid: " + field.message());
			}
		}
	}

	/**
	 * The schema as the library gets it: every object schema that declares
	 * {@code properties} and does not say otherwise is closed with
	 * {@code "additionalProperties": false}, so unknown fields are rejected, and a list
	 * format ({@code image_uris}) without {@code items} gets string items. Only nodes
	 * reached through {@code properties}, {@code items} and {@code prefixItems} are
	 * closed: closing a branch of {@code allOf} or {@code anyOf} would change what it
	 * means.
	 */
	private static JsonNode closed(JsonNode inputSchema) {
		JsonNode copy = inputSchema.deepCopy();
		close(copy);
		return copy;
	}

	private static void close(JsonNode schema) {
		if (!(schema instanceof ObjectNode object)) {
			return;
		}
		JsonNode properties = object.get("properties");
		if (properties != null && properties.isObject()) {
			if (!object.has("additionalProperties") && !object.has("unevaluatedProperties")) {
				object.set("additionalProperties", BooleanNode.FALSE);
			}
			properties.values().forEach(InputSchemaCompiler::close);
		}
		JsonNode items = object.get("items");
		if (items != null) {
			close(items);
		}
		else if (RunComfyDialect.list(object).isPresent()) {
			object.set("items", object.objectNode().put("type", "string"));
		}
		object.path("prefixItems").values().forEach(InputSchemaCompiler::close);
	}

	/** An input schema as the library checks it, and the checks it does not make. */
	record CompiledInput(Schema schema, FieldChecks checks) {
	}

}
