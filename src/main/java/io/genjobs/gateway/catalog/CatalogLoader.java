package io.genjobs.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.genjobs.gateway.catalog.InputSchemaCompiler.CompiledInput;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Reads the model files (finds them, parses each, checks its keys, id, title and
 * description) and has {@link InputSchemaCompiler} compile each input schema once: the
 * JSON Schema for the library, the {@code validations} rules and the other checks for
 * {@link InputValidator}. Every problem in every file is collected, so that one failed
 * start-up tells an operator everything to fix.
 */
final class CatalogLoader {

	private static final Log logger = LogFactory.getLog(CatalogLoader.class);

	private static final List<String> FILE_KEYS = List.of("id", "title", "description", "input_schema", "output_schema",
			Listing.DISPLAY_NAME, Listing.CATEGORIES, Listing.BASE_PRICE_USD, Listing.PRICE_UNIT, Listing.PRICING_NOTE);

	/** The longest {@code unavailable_reason} shown for a synced model. */
	static final int MAX_REASON_LENGTH = 1000;

	/** Safe in RunComfy's URL path ({@code /v1/models/{model_id}}) and in ours. */
	static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

	// Duplicate keys in a hand-edited file are a mistake, not "last one wins".
	private final JsonMapper jsonMapper = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final InputSchemaCompiler inputSchemas = new InputSchemaCompiler();

	/**
	 * Loads every model file the locations match.
	 * @return the compiled models by id, in id order, with what each file says of the
	 * model's listing (price, categories, display name)
	 * @throws InvalidCatalogException listing every problem found
	 */
	Map<String, LocalModel> load(CatalogSettings settings, ResourcePatternResolver resolver) {
		List<String> problems = new ArrayList<>();
		Map<String, LocalModel> models = new TreeMap<>();
		Map<String, String> fileById = new LinkedHashMap<>();
		// Ids of invalid files too, so that a broken default model is not also reported
		// missing.
		Set<String> declaredIds = new LinkedHashSet<>();
		for (ModelFile file : findFiles(settings.locations(), resolver, problems)) {
			Optional<LocalModel> compiled = read(file, declaredIds, problems);
			if (compiled.isEmpty()) {
				continue;
			}
			String id = compiled.get().compiled().model().id();
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

	/**
	 * Compiles a model of RunComfy's catalog as the sync stored it: its
	 * {@code input_schema} must compile as a local file's does, but a fault makes only
	 * this model unavailable.
	 * @param id the entry's {@code model_id}
	 * @param entry RunComfy's entry
	 * @return the compiled model, or why it cannot be used
	 */
	SyncedModel compileSynced(String id, JsonNode entry) {
		List<String> problems = new ArrayList<>();
		CatalogProblems entryProblems = new CatalogProblems(id, problems);
		JsonNode inputSchema = entry.get("input_schema");
		Optional<CompiledInput> compiled = Optional.empty();
		if (inputSchema == null || !inputSchema.isObject()) {
			entryProblems.at("input_schema", "RunComfy's entry has no input schema object");
		}
		else {
			try {
				compiled = this.inputSchemas.compile(inputSchema, entryProblems);
			}
			catch (RuntimeException ex) {
				// Whatever the compiler cannot make of a schema from outside makes this
				// one model unavailable, never the gateway.
				entryProblems.at("input_schema", "cannot be compiled: " + ex);
			}
		}
		if (compiled.isEmpty() || entryProblems.any()) {
			String prefix = id + ": ";
			String reason = String.join("; ",
					problems.stream().map((p) -> p.startsWith(prefix) ? p.substring(prefix.length()) : p).toList());
			if (reason.isEmpty()) {
				reason = "the input schema cannot be compiled";
			}
			return new SyncedModel(null, (reason.length() > MAX_REASON_LENGTH)
					? reason.substring(0, MAX_REASON_LENGTH - 1) + "\u2026" : reason);
		}
		JsonNode outputSchema = entry.get("output_schema");
		Listing listing = Listing.readLeniently(entry);
		Model model = new Model(id, (listing.displayName() != null) ? listing.displayName() : id,
				entry.path("description").isString() ? entry.get("description").stringValue() : "", inputSchema,
				(outputSchema != null && outputSchema.isObject()) ? outputSchema : this.jsonMapper.createObjectNode());
		return new SyncedModel(new CompiledModel(model, compiled.get().schema(), compiled.get().checks()), null);
	}

	private Optional<LocalModel> read(ModelFile file, Set<String> declaredIds, List<String> problems) {
		CatalogProblems fileProblems = new CatalogProblems(file.name(), problems);
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
		Listing listing = Listing.read(root, fileProblems);
		Optional<CompiledInput> compiled = this.inputSchemas.compile(inputSchema, fileProblems);
		if (compiled.isEmpty() || fileProblems.any()) {
			return Optional.empty();
		}
		Model model = new Model(id, title, description, inputSchema, outputSchema);
		return Optional
			.of(new LocalModel(new CompiledModel(model, compiled.get().schema(), compiled.get().checks()), listing));
	}

	private static String requiredString(JsonNode root, String key, CatalogProblems problems) {
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

	/** A model from a local file, and what the file says of its listing. */
	record LocalModel(CompiledModel compiled, Listing listing) {
	}

	/**
	 * A synced model compiled: {@code compiled} when it can be used, else
	 * {@code unavailableReason} says why not.
	 */
	record SyncedModel(@Nullable CompiledModel compiled, @Nullable String unavailableReason) {
	}

}
