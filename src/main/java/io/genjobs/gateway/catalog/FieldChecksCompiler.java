package io.genjobs.gateway.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Compiles what RunComfy's schema dialect adds to JSON Schema into the
 * {@link FieldChecks} tree: the {@code validations} rules of {@code image_uri} strings
 * (and of arrays of them), required strings and integers; and refuses rules or image
 * formats placed where that tree does not reach, which would otherwise be ignored.
 */
final class FieldChecksCompiler {

	static final String IMAGE_URI = "image_uri";

	/** RunComfy's keyword for the rules of an input image. */
	static final String VALIDATIONS = "validations";

	private FieldChecksCompiler() {
	}

	/**
	 * Compiles the checks of one schema node, following {@code properties} and
	 * {@code items}.
	 * @param inherited rules from an array's {@code validations}, which apply to each of
	 * its {@code image_uri} items
	 * @param reached collects the schema nodes this tree covers, whose
	 * {@code validations} and {@code image_uri} format are enforced (or reported)
	 */
	static FieldChecks compile(JsonNode schema, String where, List<ImageRule> inherited, Set<JsonNode> reached,
			CatalogProblems problems) {
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
				properties.put(name, compile(property.getValue(), where + ".properties" + SchemaErrors.segment(name),
						List.of(), reached, problems));
				JsonNode defaultValue = property.getValue().get("default");
				// A required property must be sent even when the schema names a default.
				if (defaultValue != null && !required.contains(name)) {
					defaults.put(name, defaultValue);
				}
			}
		}
		FieldChecks items = (itemsSchema != null)
				? compile(itemsSchema, where + ".items", imageItems ? own : List.of(), reached, problems) : null;
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

	private static List<ImageRule> readRules(JsonNode schema, String where, CatalogProblems problems) {
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
	static void checkNothingIgnored(JsonNode node, String where, Set<JsonNode> reached, CatalogProblems problems) {
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

}
