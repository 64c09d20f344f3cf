package io.genjobs.gateway.catalog;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import io.genjobs.gateway.media.MediaKind;

/**
 * What RunComfy's schemas say differently from JSON Schema: {@code "type": "float"} (in
 * any case) for {@code number}, and the media formats: {@code image_uri},
 * {@code video_uri} and {@code audio_uri} for one URI string, {@code image_uris},
 * {@code video_uris} and {@code audio_uris} for an array of them. The gateway adds its
 * own keyword {@code x-media-types}, which narrows the formats a media field accepts.
 */
final class RunComfyDialect {

	/** RunComfy's keyword for the rules of a media input. */
	static final String VALIDATIONS = "validations";

	/** The gateway's keyword: the media types a field accepts, of those of its kind. */
	static final String MEDIA_TYPES = "x-media-types";

	private static final Map<String, MediaKind> SINGLE = Map.of("image_uri", MediaKind.IMAGE, "video_uri",
			MediaKind.VIDEO, "audio_uri", MediaKind.AUDIO);

	private static final Map<String, MediaKind> LIST = Map.of("image_uris", MediaKind.IMAGE, "video_uris",
			MediaKind.VIDEO, "audio_uris", MediaKind.AUDIO);

	/**
	 * A format that reads as a media format; one not known is a schema we cannot honour.
	 */
	private static final Pattern MEDIA_LIKE = Pattern.compile("[A-Za-z0-9]+_uris?");

	/** Keywords whose values are data, not schemas: nothing in them is rewritten. */
	private static final Set<String> DATA_KEYWORDS = Set.of("default", "enum", "const", "examples", VALIDATIONS,
			MEDIA_TYPES);

	/** Keywords whose values map names to schemas. */
	private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions",
			"dependentSchemas");

	private RunComfyDialect() {
	}

	/** The kind of a single-URI media format, if the format is one. */
	static Optional<MediaKind> single(JsonNode schema) {
		return Optional.ofNullable(SINGLE.get(format(schema)));
	}

	/** The kind of a list-of-URIs media format, if the format is one. */
	static Optional<MediaKind> list(JsonNode schema) {
		return Optional.ofNullable(LIST.get(format(schema)));
	}

	/** Whether a format looks like a media format but is none the gateway knows. */
	static boolean unknownMediaFormat(JsonNode schema) {
		String format = format(schema);
		return MEDIA_LIKE.matcher(format).matches() && !SINGLE.containsKey(format) && !LIST.containsKey(format);
	}

	static boolean mediaFormat(JsonNode schema) {
		String format = format(schema);
		return SINGLE.containsKey(format) || LIST.containsKey(format);
	}

	static String known() {
		return "known media formats: image_uri, image_uris, video_uri, video_uris, audio_uri, audio_uris";
	}

	private static String format(JsonNode schema) {
		JsonNode format = schema.get("format");
		return (format != null && format.isString()) ? format.stringValue() : "";
	}

	/**
	 * A copy of a schema in plain JSON Schema terms: every {@code float} type a
	 * {@code number}.
	 */
	static JsonNode normalized(JsonNode schema) {
		JsonNode copy = schema.deepCopy();
		normalize(copy);
		return copy;
	}

	private static void normalize(JsonNode node) {
		if (node instanceof ObjectNode object) {
			JsonNode type = object.get("type");
			if (type != null && type.isString() && isFloat(type)) {
				object.set("type", StringNode.valueOf("number"));
			}
			else if (type instanceof ArrayNode types) {
				for (int i = 0; i < types.size(); i++) {
					if (isFloat(types.get(i))) {
						types.set(i, StringNode.valueOf("number"));
					}
				}
			}
			for (Map.Entry<String, JsonNode> child : object.properties()) {
				if (SCHEMA_MAPS.contains(child.getKey()) && child.getValue().isObject()) {
					// Names there are property names, not keywords: "default" may be one.
					child.getValue().values().forEach(RunComfyDialect::normalize);
				}
				else if (!DATA_KEYWORDS.contains(child.getKey())) {
					normalize(child.getValue());
				}
			}
		}
		else if (node.isArray()) {
			node.values().forEach(RunComfyDialect::normalize);
		}
	}

	private static boolean isFloat(JsonNode type) {
		return type.isString() && type.stringValue().toLowerCase(Locale.ROOT).equals("float");
	}

}
