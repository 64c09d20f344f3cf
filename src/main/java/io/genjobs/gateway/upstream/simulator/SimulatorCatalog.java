package io.genjobs.gateway.upstream.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The catalog the simulator publishes ({@code GET /v1/models}, {@code GET
 * /v1/models/{id}}): the built-in {@value #BUILT_IN} (RunComfy's sample entries plus one
 * hand-written audio model), and every {@code *.json} file of
 * {@code gateway.simulator.catalog-location} (one entry, or {@code {"models": [...]}}),
 * whose entries replace built-in ones with the same id. Tests may also put and remove
 * entries at run time.
 */
final class SimulatorCatalog {

	static final String BUILT_IN = "simulator/catalog.json";

	/** What a model makes, and so the output a job of it completes with. */
	enum OutputKind {

		IMAGE, VIDEO, AUDIO

	}

	private final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, ObjectNode> entries = new ConcurrentHashMap<>();

	SimulatorCatalog(@Nullable String location) {
		try (InputStream in = SimulatorCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
			if (in != null) {
				addAll(this.json.readTree(in));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (location != null && !location.isBlank()) {
			Path folder = Path.of(location);
			try (Stream<Path> files = Files.list(folder)) {
				for (Path file : files.filter((f) -> f.toString().endsWith(".json")).sorted().toList()) {
					addAll(this.json.readTree(Files.readString(file)));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("gateway.simulator.catalog-location: cannot read " + folder, ex);
			}
		}
	}

	private void addAll(JsonNode root) {
		JsonNode models = root.has("models") ? root.get("models") : root;
		if (models.isArray()) {
			models.forEach(this::put);
		}
		else {
			put(models);
		}
	}

	/** Adds or replaces one entry (keyed by its {@code model_id}). */
	void put(JsonNode entry) {
		if (entry instanceof ObjectNode object && entry.path("model_id").isString()) {
			this.entries.put(entry.get("model_id").stringValue(), object.deepCopy());
		}
	}

	void remove(String modelId) {
		this.entries.remove(modelId);
	}

	/** One page in id order, as RunComfy answers it: {@code {"models", "total"}}. */
	ObjectNode page(int limit, int offset) {
		List<ObjectNode> all = List.copyOf(new TreeMap<>(this.entries).values());
		ObjectNode answer = this.json.createObjectNode();
		var models = answer.putArray("models");
		all.stream().skip(Math.max(0, offset)).limit(Math.max(0, limit)).forEach(models::add);
		answer.put("total", all.size());
		return answer;
	}

	@Nullable ObjectNode find(String modelId) {
		return this.entries.get(modelId);
	}

	/**
	 * What a model makes: by its categories ({@code *-to-image}, {@code *-to-audio},
	 * {@code *-to-video}), else by its output schema, else video.
	 */
	OutputKind outputKind(String modelId) {
		ObjectNode entry = this.entries.get(modelId);
		if (entry == null) {
			return OutputKind.VIDEO;
		}
		for (JsonNode category : entry.path("categories")) {
			String name = category.asString("").toLowerCase(Locale.ROOT);
			if (name.endsWith("image")) {
				return OutputKind.IMAGE;
			}
			if (name.endsWith("audio") || name.endsWith("speech") || name.endsWith("music")) {
				return OutputKind.AUDIO;
			}
			if (name.endsWith("video")) {
				return OutputKind.VIDEO;
			}
		}
		JsonNode outputs = entry.path("output_schema").path("output").path("properties");
		if (outputs.has("audio") && !outputs.has("video")) {
			return OutputKind.AUDIO;
		}
		if ((outputs.has("image") || outputs.has("images")) && !outputs.has("video")) {
			return OutputKind.IMAGE;
		}
		return OutputKind.VIDEO;
	}

}
