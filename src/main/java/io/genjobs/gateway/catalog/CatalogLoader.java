package io.genjobs.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Reads the model files and compiles each input schema once: the JSON Schema for the
 * library, the {@code validations} rules and the other checks for {@link InputValidator}.
 * Every problem in every file is collected, so that one failed start-up tells an operator
 * everything to fix.
 */
final class CatalogLoader {

	private static final Log logger = LogFactory.getLog(CatalogLoader.class);

	private static final List<String> FILE_KEYS = List.of("id", "title", "description", "input_schema",
			"output_schema");

	/** Safe in RunComfy's URL path ({@code /v1/models/{model_id}}) and in ours. */
	private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

	private static final String IMAGE_URI = "image_uri";

	private static final String VALIDATIONS = "validations";

	private static final String DEFAULT_DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();

	// Duplicate keys in a hand-edited file are a mistake, not "last one wins".
	private final JsonMapper jsonMapper = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/**
	 * Compiles input schemas. RunComfy's {@code validations} keyword is declared (as an
	 * annotation) in every dialect, so the library neither warns about it nor checks it;
	 * the catalog does.
	 */
	private final SchemaRegistry schemaRegistry;

	/**
	 * Checks that an input schema is a JSON Schema at all, with the bundled meta-schemas.
	 */
	private final SchemaRegistry metaSchemaRegistry;

	CatalogLoader() {
		SchemaRegistryConfig config = SchemaRegistryConfig.builder().locale(Locale.ENGLISH).build();
		List<Dialect> dialects = Stream
			.of(Dialects.getDraft4(), Dialects.getDraft6(), Dialects.getDraft7(), Dialects.getDraft201909(),
					Dialects.getDraft202012())
			.map((dialect) -> Dialect.builder(dialect).keyword(new AnnotationKeyword(VALIDATIONS)).build())
			.toList();
		this.schemaRegistry = SchemaRegistry.withDialects(dialects,
				(builder) -> builder.defaultDialectId(DEFAULT_DIALECT).schemaRegistryConfig(config));
		this.metaSchemaRegistry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
				(builder) -> builder.schemaRegistryConfig(config));
	}

	/**
	 * Loads every model file the locations match.
	 * @return the compiled models by id, in id order
	 * @throws InvalidCatalogException listing every problem found
	 */
	Map<String, CompiledModel> load(CatalogSettings settings, ResourcePatternResolver resolver) {
		List<String> problems = new ArrayList<>();
		Map<String, CompiledModel> models = new TreeMap<>();
		Map<String, String> fileById = new LinkedHashMap<>();
		// Ids of invalid files too, so that a broken default model is not also reported
		// missing.
		Set<String> declaredIds = new LinkedHashSet<>();
		for (ModelFile file : findFiles(settings.locations(), resolver, problems)) {
			Optional<CompiledModel> compiled = read(file, declaredIds, problems);
			if (compiled.isEmpty()) {
				continue;
			}
			String id = compiled.get().model().id();
			String earlier = fileById.putIfAbsent(id, file.name());
			if (earlier != null) {
				problems.add(file.name() + ": id: '" + id + "' is already declared by " + earlier);
				continue;
			}
			models.put(id, compiled.get());
		}
		if (!declaredIds.contains(settings.defaultModel())) {
			problems.add("gateway.catalog.default-model: no model file declares id '" + settings.defaultModel()
					+ "' (found: " + (declaredIds.isEmpty() ? "none" : String.join(", ", declaredIds)) + ")");
		}
		if (!problems.isEmpty()) {
			throw new InvalidCatalogException(problems);
		}
		logger.info("Model catalog: " + models.size() + " models from " + settings.locations() + ": "
				+ String.join(", ", models.keySet()));
		return models;
	}

	private List<ModelFile> findFiles(List<String> locations, ResourcePatternResolver resolver, List<String> problems) {
		Map<String, ModelFile> files = new LinkedHashMap<>();
		for (String location : locations) {
			Resource[] resources;
			try {
				resources = resolver.getResources(location);
			}
			catch (IOException ex) {
				problems.add("gateway.catalog.locations: cannot list '" + location + "': " + ex.getMessage());
				continue;
			}
			List<ModelFile> found = new ArrayList<>();
			for (Resource resource : resources) {
				if (resource.isReadable()) {
					found.add(new ModelFile(displayName(location, resource), resource));
				}
			}
			if (found.isEmpty()) {
				// An operator may mount an optional folder; a missing default model still
				// fails.
				logger.warn("gateway.catalog.locations: '" + location + "' matches no model files");
			}
			found.sort((a, b) -> a.name().compareTo(b.name()));
			// The same file matched by two patterns is one file, not a duplicate model.
			found.forEach((file) -> files.putIfAbsent(url(file.resource()), file));
		}
		return List.copyOf(files.values());
	}

	private Optional<CompiledModel> read(ModelFile file, Set<String> declaredIds, List<String> problems) {
		Problems fileProblems = new Problems(file.name(), problems);
		JsonNode root;
		try (InputStream in = file.resource().getInputStream()) {
			root = this.jsonMapper.readTree(in);
		}
		catch (JacksonException ex) {
			fileProblems.add("not valid JSON: " + ex.getOriginalMessage() + location(ex));
			return Optional.empty();
		}
		catch (IOException ex) {
			fileProblems.add("cannot be read: " + ex.getMessage());
			return Optional.empty();
		}
		if (root == null || !root.isObject()) {
			fileProblems.add("must hold one JSON object with " + String.join(", ", FILE_KEYS));
			return Optional.empty();
		}
		for (String key : root.propertyNames()) {
			if (!FILE_KEYS.contains(key)) {
				fileProblems.at(key, "unknown key; a model file has " + String.join(", ", FILE_KEYS));
			}
		}
		String id = requiredString(root, "id", fileProblems);
		if (id != null && !MODEL_ID.matcher(id).matches()) {
			fileProblems.at("id", "'" + id
					+ "' is not a model id (names of letters, digits, '.', '_' and '-', each starting with a letter or digit, between slashes)");
		}
		else if (id != null) {
			declaredIds.add(id);
		}
		String title = requiredString(root, "title", fileProblems);
		String description = "";
		JsonNode descriptionNode = root.get("description");
		if (descriptionNode != null) {
			if (descriptionNode.isString()) {
				description = descriptionNode.stringValue();
			}
			else {
				fileProblems.at("description", "must be a string");
			}
		}
		JsonNode outputSchema = root.get("output_schema");
		if (outputSchema == null || !outputSchema.isObject()) {
			fileProblems.at("output_schema", "must be an object (the model's Output schema)");
		}
		JsonNode inputSchema = root.get("input_schema");
		if (inputSchema == null || !inputSchema.isObject()) {
			fileProblems.at("input_schema", "must be an object (the model's Input schema)");
			return Optional.empty();
		}
		Optional<CompiledInput> compiled = compileInputSchema(inputSchema, fileProblems);
		if (compiled.isEmpty() || fileProblems.any()) {
			return Optional.empty();
		}
		Model model = new Model(id, title, description, inputSchema, outputSchema);
		return Optional.of(new CompiledModel(model, compiled.get().schema(), compiled.get().checks()));
	}

	private Optional<CompiledInput> compileInputSchema(JsonNode inputSchema, Problems problems) {
		String where = "input_schema";
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
		FieldChecks checks = compileChecks(inputSchema, where, List.of(), reached, problems);
		checkNothingIgnored(inputSchema, where, reached, problems);
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
	 * Compiles the checks of one schema node, following {@code properties} and
	 * {@code items}.
	 * @param inherited rules from an array's {@code validations}, which apply to each of
	 * its {@code image_uri} items
	 * @param reached collects the schema nodes this tree covers, whose
	 * {@code validations} and {@code image_uri} format are enforced (or reported)
	 */
	private FieldChecks compileChecks(JsonNode schema, String where, List<ImageRule> inherited, Set<JsonNode> reached,
			Problems problems) {
		if (!schema.isObject()) {
			return FieldChecks.NONE;
		}
		reached.add(schema);
		Set<String> types = types(schema.get("type"));
		List<ImageRule> own = readRules(schema, where, problems);
		boolean image = IMAGE_URI.equals(schema.path("format").asString(""));
		JsonNode itemsSchema = schema.get("items");
		boolean imageItems = itemsSchema != null && IMAGE_URI.equals(itemsSchema.path("format").asString(""));
		if (!own.isEmpty() && !image && !imageItems) {
			problems.at(where, "validations apply only to a string of format image_uri or an array of them");
		}
		Map<String, FieldChecks> properties = new LinkedHashMap<>();
		Set<String> required = new LinkedHashSet<>();
		schema.path("required").forEach((name) -> required.add(name.asString()));
		Map<String, JsonNode> defaults = new LinkedHashMap<>();
		JsonNode propertiesNode = schema.get("properties");
		if (propertiesNode != null && propertiesNode.isObject()) {
			for (Map.Entry<String, JsonNode> property : propertiesNode.properties()) {
				String name = property.getKey();
				properties.put(name, compileChecks(property.getValue(),
						where + ".properties" + SchemaErrors.segment(name), List.of(), reached, problems));
				JsonNode defaultValue = property.getValue().get("default");
				// A required property must be sent even when the schema names a default.
				if (defaultValue != null && !required.contains(name)) {
					defaults.put(name, defaultValue);
				}
			}
		}
		FieldChecks items = (itemsSchema != null)
				? compileChecks(itemsSchema, where + ".items", imageItems ? own : List.of(), reached, problems) : null;
		ImageChecks imageChecks = null;
		if (image) {
			List<ImageRule> rules = new ArrayList<>(inherited);
			rules.addAll(own);
			imageChecks = ImageChecks.of(rules);
		}
		return new FieldChecks(types.contains("string"), types.contains("integer"),
				Collections.unmodifiableMap(properties), Collections.unmodifiableSet(required),
				Collections.unmodifiableMap(defaults), items, imageChecks);
	}

	private List<ImageRule> readRules(JsonNode schema, String where, Problems problems) {
		JsonNode validations = schema.get(VALIDATIONS);
		if (validations == null) {
			return List.of();
		}
		if (!validations.isArray()) {
			problems.at(where, "validations must be a list of {validation_rule, validation_value, validation_error}");
			return List.of();
		}
		List<ImageRule> rules = new ArrayList<>();
		for (JsonNode entry : validations) {
			JsonNode rule = entry.path("validation_rule");
			if (!rule.isString()) {
				problems.at(where, "validation_rule must be a string, got " + SchemaErrors.brief(rule));
				continue;
			}
			Optional<ImageRule.Parsed> parsed = ImageRule.parse(rule.stringValue());
			if (parsed.isEmpty()) {
				problems.at(where, "unknown validation_rule '" + rule.stringValue() + "'; " + ImageRule.KNOWN);
				continue;
			}
			JsonNode value = entry.path("validation_value");
			if (!value.isNumber()) {
				problems.at(where, "validation_value of '" + rule.stringValue() + "' must be a number, got "
						+ SchemaErrors.brief(value));
				continue;
			}
			JsonNode error = entry.path("validation_error");
			if (!error.isString() || error.stringValue().isBlank()) {
				problems.at(where, "validation_error of '" + rule.stringValue() + "' must be a message");
				continue;
			}
			rules.add(new ImageRule(parsed.get().metric(), parsed.get().operator(), value.decimalValue(),
					error.stringValue()));
		}
		return rules;
	}

	/**
	 * Fails on {@code validations} and {@code image_uri} formats that the checks tree
	 * does not reach (behind {@code $ref}, {@code allOf}, ...): left alone they would be
	 * silently ignored.
	 */
	private void checkNothingIgnored(JsonNode node, String where, Set<JsonNode> reached, Problems problems) {
		if (node.isObject()) {
			boolean rules = node.path(VALIDATIONS).isArray();
			boolean image = IMAGE_URI.equals(node.path("format").asString(""));
			if ((rules || image) && !reached.contains(node)) {
				problems.at(where,
						(rules ? "validations" : "format image_uri")
								+ " here would not be enforced: only properties and array items reached through"
								+ " properties and items are checked");
			}
			for (Map.Entry<String, JsonNode> child : node.properties()) {
				checkNothingIgnored(child.getValue(), where + SchemaErrors.segment(child.getKey()), reached, problems);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				checkNothingIgnored(node.get(i), where + "[" + i + "]", reached, problems);
			}
		}
	}

	/**
	 * Only references inside the file are allowed: anything else would be fetched, at
	 * start-up or later, from wherever it points.
	 */
	private void checkReferencesAreLocal(JsonNode node, String where, Problems problems) {
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
	private void checkDefaults(Schema schema, FieldChecks checks, String where, Problems problems) {
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
	 * {@code "additionalProperties": false}, so unknown fields are rejected. Only nodes
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
			properties.values().forEach(CatalogLoader::close);
		}
		JsonNode items = object.get("items");
		if (items != null) {
			close(items);
		}
		object.path("prefixItems").values().forEach(CatalogLoader::close);
	}

	private static Set<String> types(JsonNode type) {
		if (type == null) {
			return Set.of();
		}
		if (type.isString()) {
			return Set.of(type.stringValue());
		}
		Set<String> types = new LinkedHashSet<>();
		type.forEach((each) -> types.add(each.asString()));
		return types;
	}

	private static String requiredString(JsonNode root, String key, Problems problems) {
		JsonNode value = root.get(key);
		if (value == null || !value.isString() || value.stringValue().isBlank()) {
			problems.at(key, "is required and must be a non-blank string");
			return null;
		}
		return value.stringValue();
	}

	private static String location(JacksonException ex) {
		return (ex.getLocation() != null)
				? " (line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")" : "";
	}

	/**
	 * How a file is named in messages: its path below the pattern's folder for classpath
	 * locations ({@code models/x.json}), its file-system path otherwise.
	 */
	static String displayName(String location, Resource resource) {
		String url = URLDecoder.decode(url(resource), StandardCharsets.UTF_8);
		int colon = location.indexOf(':');
		String prefix = (colon >= 0) ? location.substring(0, colon) : "";
		String pattern = location.substring(colon + 1);
		if (prefix.startsWith("classpath")) {
			int wildcard = firstWildcard(pattern);
			String folder = pattern.substring(0, pattern.lastIndexOf('/', wildcard) + 1).replaceFirst("^/", "");
			int at = folder.isEmpty() ? url.lastIndexOf('/') + 1 : url.lastIndexOf("/" + folder) + 1;
			if (at > 0) {
				return url.substring(at);
			}
		}
		return url.startsWith("file:") ? url.substring("file:".length()) : url;
	}

	private static int firstWildcard(String pattern) {
		int first = pattern.length();
		for (char wildcard : new char[] { '*', '?', '{' }) {
			int at = pattern.indexOf(wildcard);
			if (at >= 0 && at < first) {
				first = at;
			}
		}
		return first;
	}

	private static String url(Resource resource) {
		try {
			return resource.getURL().toString();
		}
		catch (IOException ex) {
			return resource.getDescription();
		}
	}

	private record ModelFile(String name, Resource resource) {
	}

	private record CompiledInput(Schema schema, FieldChecks checks) {
	}

	/** The problems of one file, each prefixed with the file's name. */
	private static final class Problems {

		private final String file;

		private final List<String> sink;

		private int count;

		Problems(String file, List<String> sink) {
			this.file = file;
			this.sink = sink;
		}

		void add(String problem) {
			this.sink.add(this.file + ": " + problem);
			this.count++;
		}

		void at(String where, String problem) {
			add(where + ": " + problem);
		}

		int count() {
			return this.count;
		}

		boolean any() {
			return this.count > 0;
		}

	}

}
