package io.genjobs.gateway.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Model ids and {@code *} globs, as {@code gateway.catalog.enabled-models} and a team's
 * {@code allowed_models} hold them: {@code *} matches any characters, {@code /} included
 * ({@code google/*} matches {@code google/nano-banana-2-lite/edit}); everything else
 * matches itself.
 */
final class ModelPatterns {

	private ModelPatterns() {
	}

	/**
	 * Whether any of the patterns matches the id; {@code null} patterns match every id.
	 */
	static boolean anyMatches(@Nullable List<String> patterns, String id) {
		if (patterns == null) {
			return true;
		}
		for (String pattern : patterns) {
			if (matches(pattern, id)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the glob matches the whole id. Greedy matching with one back-track point
	 * (the last {@code *} seen): linear in practice, and never exponential, whatever the
	 * pattern.
	 */
	static boolean matches(String pattern, String id) {
		int p = 0;
		int i = 0;
		int star = -1;
		int resume = 0;
		while (i < id.length()) {
			if (p < pattern.length() && pattern.charAt(p) == '*') {
				star = p++;
				resume = i;
			}
			else if (p < pattern.length() && pattern.charAt(p) == id.charAt(i)) {
				p++;
				i++;
			}
			else if (star >= 0) {
				p = star + 1;
				i = ++resume;
			}
			else {
				return false;
			}
		}
		while (p < pattern.length() && pattern.charAt(p) == '*') {
			p++;
		}
		return p == pattern.length();
	}

}
