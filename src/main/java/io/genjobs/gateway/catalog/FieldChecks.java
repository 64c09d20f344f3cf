package io.genjobs.gateway.catalog;

import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the validator checks at one place of a model's input beyond what the JSON Schema
 * library does, compiled from the schema at start-up so that a request does no schema
 * reading. The tree follows {@code properties} and {@code items} only.
 *
 * @param string whether the schema allows a string here (a required one must not be
 * blank)
 * @param integer whether the schema allows an integer here (it must be written as one and
 * fit in 64 bits)
 * @param properties the checks of each declared property
 * @param required the names of the required properties
 * @param defaults the schema defaults of the optional properties, filled in when absent
 * @param items the checks of every array element, or {@code null}
 * @param media the checks of a media URI string ({@code image_uri}, an item of
 * {@code video_uris}, ...), or {@code null}
 */
record FieldChecks(boolean string, boolean integer, Map<String, FieldChecks> properties, Set<String> required,
		Map<String, JsonNode> defaults, FieldChecks items, MediaChecks media) {

	/** Nothing to check: a boolean schema, or one we do not descend into. */
	static final FieldChecks NONE = new FieldChecks(false, false, Map.of(), Set.of(), Map.of(), null, null);

	/** The items of a list format ({@code image_uris}) whose schema declares none. */
	static FieldChecks mediaString(MediaChecks media) {
		return new FieldChecks(true, false, Map.of(), Set.of(), Map.of(), null, media);
	}

	/**
	 * Sets the schema defaults of absent optional properties in a value checked here, at
	 * every level below it too.
	 */
	void fillDefaults(JsonNode value) {
		if (value instanceof ObjectNode object) {
			this.defaults.forEach((name, defaultValue) -> {
				if (!object.has(name)) {
					object.set(name, defaultValue.deepCopy());
				}
			});
			this.properties.forEach((name, checks) -> {
				JsonNode child = object.get(name);
				if (child != null) {
					checks.fillDefaults(child);
				}
			});
		}
		else if (value.isArray() && this.items != null) {
			value.values().forEach(this.items::fillDefaults);
		}
	}

}
