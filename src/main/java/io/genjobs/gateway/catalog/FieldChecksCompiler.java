package io.genjobs.gateway.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

import io.genjobs.gateway.media.MediaKind;
import io.genjobs.gateway.media.MediaType;

import static io.genjobs.gateway.catalog.RunComfyDialect.MEDIA_TYPES;
import static io.genjobs.gateway.catalog.RunComfyDialect.VALIDATIONS;

/**
 * Compiles what RunComfy's schema dialect adds to JSON Schema into the
 * {@link FieldChecks} tree: the media URI strings ({@code image_uri}, {@code video_uri},
 * {@code audio_uri}, the items of {@code image_uris}, ... and of an array whose
 * {@code items} has a single-URI format) with their {@code validations} rules and
 * {@code x-media-types}, required strings and integers. Rules on a list apply to each
 * item. It refuses rules, media types and media formats it cannot honour: an unknown rule
 * or format, a rule its kind has no measure for, or any of them placed where the tree
 * does not reach, which would otherwise be ignored.
 */
final class FieldChecksCompiler {

	private FieldChecksCompiler() {
	}

	/**
	 * What an array hands to each of its items: its kind, rules and media types.
	 */
	private record Inherited(MediaKind kind, List<MediaRule> rules, Set<MediaType> accepted) {
	}

	/**
	 * Compiles the checks of one schema node, following {@code properties} and
	 * {@code items}.
	 * @param reached collects the schema nodes this tree covers, whose media keywords are
	 * enforced (or reported)
	 */
	static FieldChecks compile(JsonNode schema, String where, Set<JsonNode> reached, CatalogProblems problems) {
		return compile(schema, where, null, reached, problems);
	}

	private static FieldChecks compile(JsonNode schema, String where, Inherited inherited, Set<JsonNode> reached,
			CatalogProblems problems) {
		if (!schema.isObject()) {
			return (inherited != null) ? FieldChecks.mediaString(media(inherited, List.of(), null)) : FieldChecks.NONE;
		}
		reached.add(schema);
		Set<String> types = types(schema.get("type"));
		if (RunComfyDialect.unknownMediaFormat(schema)) {
			problems.at(where, "unknown media format " + schema.get("format") + "; " + RunComfyDialect.known());
		}
		JsonNode itemsSchema = schema.get("items");
		Optional<MediaKind> single = RunComfyDialect.single(schema);
		Optional<MediaKind> list = RunComfyDialect.list(schema);
		Optional<MediaKind> itemKind = (itemsSchema != null) ? RunComfyDialect.single(itemsSchema) : Optional.empty();
		if (single.isPresent() && types.contains("array")) {
			problems.at(where, "format " + schema.get("format") + " is one URI; a list is "
					+ schema.get("format").stringValue() + "s");
		}
		if (list.isPresent() && itemKind.isPresent() && list.get() != itemKind.get()) {
			problems.at(where, "format " + schema.get("format") + " is a list of " + list.get().noun()
					+ " but its items are " + itemKind.get().noun());
		}
		Optional<MediaKind> ownKind = single.isPresent() ? single
				: (inherited != null) ? Optional.of(inherited.kind()) : Optional.empty();
		Optional<MediaKind> listKind = list.or(() -> itemKind);
		Optional<MediaKind> kind = ownKind.or(() -> listKind);
		List<MediaRule> own = readRules(schema, where, kind, problems);
		Set<MediaType> accepted = readMediaTypes(schema, where, kind, problems);
		if (kind.isEmpty() && (schema.has(VALIDATIONS) || schema.has(MEDIA_TYPES))) {
			problems.at(where, (schema.has(VALIDATIONS) ? VALIDATIONS : MEDIA_TYPES)
					+ " apply only to a media URI (format image_uri, video_uri, audio_uri) or a list of them");
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
						null, reached, problems));
				JsonNode defaultValue = property.getValue().get("default");
				// A required property must be sent even when the schema names a default.
				if (defaultValue != null && !required.contains(name)) {
					defaults.put(name, defaultValue);
				}
			}
		}
		FieldChecks items = null;
		if (ownKind.isEmpty() && listKind.isPresent()) {
			Inherited toItems = new Inherited(listKind.get(), own, accepted);
			items = (itemsSchema != null) ? compile(itemsSchema, where + ".items", toItems, reached, problems)
					: FieldChecks.mediaString(media(toItems, List.of(), null));
		}
		else if (itemsSchema != null) {
			items = compile(itemsSchema, where + ".items", null, reached, problems);
		}
		MediaChecks media = null;
		if (ownKind.isPresent()) {
			Inherited base = (inherited != null) ? inherited : new Inherited(ownKind.get(), List.of(), null);
			media = media(base, own, accepted);
		}
		return new FieldChecks(types.contains("string") || media != null, types.contains("integer"),
				Collections.unmodifiableMap(properties), Collections.unmodifiableSet(required),
				Collections.unmodifiableMap(defaults), items, media);
	}

	/**
	 * An item's checks: the list's rules then its own; its own media types if it has any.
	 */
	private static MediaChecks media(Inherited inherited, List<MediaRule> own, Set<MediaType> accepted) {
		List<MediaRule> rules = new ArrayList<>(inherited.rules());
		rules.addAll(own);
		Set<MediaType> types = (accepted != null) ? accepted
				: (inherited.accepted() != null) ? inherited.accepted() : Set.copyOf(inherited.kind().types());
		return MediaChecks.of(inherited.kind(), types, rules);
	}

	/** The {@code x-media-types} of a node, or null when it has none. */
	private static Set<MediaType> readMediaTypes(JsonNode schema, String where, Optional<MediaKind> kind,
			CatalogProblems problems) {
		JsonNode names = schema.get(MEDIA_TYPES);
		if (names == null || kind.isEmpty()) {
			return null;
		}
		String known = kind.get().types().stream().map(MediaType::mediaType).collect(Collectors.joining(", "));
		if (!names.isArray() || names.isEmpty()) {
			problems.at(where, MEDIA_TYPES + " must be a non-empty list of " + kind.get().noun() + " types: " + known);
			return null;
		}
		Set<MediaType> types = EnumSet.noneOf(MediaType.class);
		for (JsonNode name : names) {
			Optional<MediaType> type = name.isString() ? MediaType.named(name.stringValue()) : Optional.empty();
			if (type.isEmpty() || type.get().kind() != kind.get()) {
				problems.at(where,
						MEDIA_TYPES + ": " + SchemaErrors.brief(name) + " is not "
								+ ((kind.get() == MediaKind.VIDEO) ? "a " : "an ") + kind.get().noun()
								+ " type the gateway recognises; known: " + known);
			}
			else {
				types.add(type.get());
			}
		}
		return types.isEmpty() ? null : types;
	}

	private static List<MediaRule> readRules(JsonNode schema, String where, Optional<MediaKind> kind,
			CatalogProblems problems) {
		JsonNode validations = schema.get(VALIDATIONS);
		if (validations == null || kind.isEmpty()) {
			return List.of();
		}
		if (!validations.isArray()) {
			problems.at(where, "validations must be a list of {validation_rule, validation_value, validation_error}");
			return List.of();
		}
		List<MediaRule> rules = new ArrayList<>();
		for (JsonNode entry : validations) {
			JsonNode rule = entry.path("validation_rule");
			if (!rule.isString()) {
				problems.at(where, "validation_rule must be a string, got " + SchemaErrors.brief(rule));
				continue;
			}
			Optional<MediaRule.Parsed> parsed = MediaRule.parse(rule.stringValue());
			if (parsed.isEmpty()) {
				problems.at(where, "unknown validation_rule '" + rule.stringValue() + "'; " + MediaRule.KNOWN);
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
			MediaRule compiled = new MediaRule(parsed.get().metric(), parsed.get().operator(), value.decimalValue(),
					error.stringValue());
			if (kind.get() == MediaKind.AUDIO && compiled.measuresDimensions()) {
				problems.at(where, "validation_rule '" + rule.stringValue() + "' measures pixels, which audio has not");
				continue;
			}
			rules.add(compiled);
		}
		return rules;
	}

	/**
	 * Fails on {@code validations}, {@code x-media-types} and media formats that the
	 * checks tree does not reach (behind {@code $ref}, {@code allOf}, ...): left alone
	 * they would be silently ignored.
	 */
	static void checkNothingIgnored(JsonNode node, String where, Set<JsonNode> reached, CatalogProblems problems) {
		if (node.isObject()) {
			String keyword = node.path(VALIDATIONS).isArray() ? VALIDATIONS : node.has(MEDIA_TYPES) ? MEDIA_TYPES
					: RunComfyDialect.mediaFormat(node) ? "format " + node.get("format") : null;
			if (keyword != null && !reached.contains(node)) {
				problems.at(where, keyword + " here would not be enforced: only properties and array items reached"
						+ " through properties and items are checked");
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
