package io.genjobs.gateway.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The file URLs in a RunComfy output: every string value at any depth that is an absolute
 * http(s) URL, in document order (object members in their order, arrays in theirs). File
 * {@code n} of a job is the {@code n}-th of them.
 */
public final class OutputUrls {

	private static final JsonMapper json = JsonMapper.builder().build();

	private OutputUrls() {
	}

	/** The URLs in {@code outputJson} ({@code null}: none). */
	public static List<String> in(String outputJson) {
		List<String> urls = new ArrayList<>();
		if (outputJson != null) {
			collect(json.readTree(outputJson), urls);
		}
		return urls;
	}

	/** {@code outputJson} with URL {@code n} replaced by {@code link.apply(n)}. */
	static String replaced(String outputJson, IntFunction<String> link) {
		JsonNode tree = json.readTree(outputJson);
		JsonNode replaced = replace(tree, link, new int[1]);
		return json.writeValueAsString(replaced);
	}

	private static void collect(JsonNode node, List<String> urls) {
		if (node.isString()) {
			if (isUrl(node.stringValue())) {
				urls.add(node.stringValue());
			}
		}
		else if (node.isContainer()) {
			node.values().forEach((child) -> collect(child, urls));
		}
	}

	private static JsonNode replace(JsonNode node, IntFunction<String> link, int[] next) {
		if (node.isString() && isUrl(node.stringValue())) {
			return StringNode.valueOf(link.apply(next[0]++));
		}
		if (node instanceof ObjectNode object) {
			object.propertyNames().forEach((name) -> object.set(name, replace(object.get(name), link, next)));
		}
		else if (node instanceof ArrayNode array) {
			for (int i = 0; i < array.size(); i++) {
				array.set(i, replace(array.get(i), link, next));
			}
		}
		return node;
	}

	private static boolean isUrl(String value) {
		String lower = value.strip().toLowerCase(Locale.ROOT);
		return lower.startsWith("http://") || lower.startsWith("https://");
	}

}
