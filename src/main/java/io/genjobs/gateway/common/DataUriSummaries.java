package io.genjobs.gateway.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What job views, list pages and webhook bodies show instead of a large {@code data:} URI
 * (DESIGN, "What every input gets"): a string value starting with {@code data:} and
 * longer than {@value #MAX_SHOWN} characters becomes
 * {@code data:<type>;base64,… (<n> bytes, sha256:<hex>)}, where the size and digest are
 * those of the decoded bytes (of the URI's text when it is not valid base64). The full
 * value is kept for RunComfy.
 */
public final class DataUriSummaries {

	/** The longest {@code data:} URI shown as it is. */
	public static final int MAX_SHOWN = 1024;

	private static final String PREFIX = "data:";

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private DataUriSummaries() {
	}

	/**
	 * The JSON with every large {@code data:} URI string replaced by its summary; the
	 * same node when there is none.
	 */
	public static JsonNode summarize(JsonNode json) {
		if (json == null) {
			return null;
		}
		if (json.isString()) {
			String value = json.asString();
			return isLarge(value) ? JsonNodeFactory.instance.stringNode(summary(value)) : json;
		}
		if (json.isArray()) {
			ArrayNode copy = null;
			for (int i = 0; i < json.size(); i++) {
				JsonNode item = json.get(i);
				JsonNode shown = summarize(item);
				if (shown != item && copy == null) {
					copy = ((ArrayNode) json).deepCopy();
				}
				if (copy != null) {
					copy.set(i, shown);
				}
			}
			return (copy != null) ? copy : json;
		}
		if (json.isObject()) {
			ObjectNode copy = null;
			for (Map.Entry<String, JsonNode> field : json.properties()) {
				JsonNode shown = summarize(field.getValue());
				if (shown != field.getValue() && copy == null) {
					copy = ((ObjectNode) json).deepCopy();
				}
				if (copy != null) {
					copy.set(field.getKey(), shown);
				}
			}
			return (copy != null) ? copy : json;
		}
		return json;
	}

	/**
	 * JSON text with every large {@code data:} URI replaced by its summary; the same text
	 * when it holds none (checked without parsing when it is short or names no
	 * {@code data:}).
	 */
	public static String summarizeJson(String json) {
		if (json == null || json.length() <= MAX_SHOWN || !containsIgnoreCase(json, PREFIX)) {
			return json;
		}
		JsonNode tree = MAPPER.readTree(json);
		JsonNode shown = summarize(tree);
		return (shown == tree) ? json : MAPPER.writeValueAsString(shown);
	}

	private static boolean containsIgnoreCase(String text, String part) {
		for (int i = 0; i <= text.length() - part.length(); i++) {
			if (text.regionMatches(true, i, part, 0, part.length())) {
				return true;
			}
		}
		return false;
	}

	static boolean isLarge(String value) {
		return value.length() > MAX_SHOWN && value.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
	}

	/** {@code data:image/png;base64,… (4194304 bytes, sha256:…)} for a large data URI. */
	static String summary(String uri) {
		int comma = uri.indexOf(',');
		if (comma < 0 || comma > MAX_SHOWN) {
			return described(PREFIX, uri.getBytes(StandardCharsets.UTF_8));
		}
		String header = uri.substring(0, comma + 1);
		String data = uri.substring(comma + 1);
		byte[] bytes = null;
		if (header.regionMatches(true, header.length() - ";base64,".length(), ";base64,", 0, ";base64,".length())) {
			bytes = base64(data);
		}
		return described(header, (bytes != null) ? bytes : data.getBytes(StandardCharsets.UTF_8));
	}

	private static String described(String header, byte[] bytes) {
		return header + "\u2026 (" + bytes.length + " bytes, sha256:" + HexFormat.of().formatHex(Digests.sha256(bytes))
				+ ")";
	}

	private static byte[] base64(String data) {
		try {
			return Base64.getDecoder().decode(data);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
