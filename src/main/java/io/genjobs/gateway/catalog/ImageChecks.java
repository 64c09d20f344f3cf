package io.genjobs.gateway.catalog;

import java.util.List;

/**
 * What an {@code image_uri} string must satisfy: its rules, and how many bytes of it to
 * read at most.
 *
 * @param rules the rules of the field's {@code validations} list, in schema order
 * @param maxBytes the largest size that can pass the rules, handed to the probe so that
 * it stops reading one byte later
 */
record ImageChecks(List<ImageRule> rules, long maxBytes) {

	/** The cap for an image field without a size rule. */
	static final long DEFAULT_MAX_BYTES = 20_000_000;

	static ImageChecks of(List<ImageRule> rules) {
		long maxBytes = rules.stream()
			.flatMap((rule) -> rule.maxBytes().stream())
			.min(Long::compare)
			.orElse(DEFAULT_MAX_BYTES);
		return new ImageChecks(List.copyOf(rules), maxBytes);
	}

}
