package io.genjobs.gateway.catalog;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import io.genjobs.gateway.media.MediaKind;
import io.genjobs.gateway.media.MediaType;

/**
 * What a media URI string must satisfy: its kind and formats, its rules, and how many
 * bytes of it the rules let through.
 *
 * @param kind image, video or audio, from the schema's format
 * @param accepted the formats accepted: those of {@code x-media-types}, or every format
 * of the kind
 * @param rules the rules of the field's {@code validations} list, in schema order
 * @param ruleMaxBytes the largest size that can pass the rules, when a
 * {@code file_size_mb} rule bounds it; without one the kind's cap applies
 */
record MediaChecks(MediaKind kind, Set<MediaType> accepted, List<MediaRule> rules, OptionalLong ruleMaxBytes) {

	static MediaChecks of(MediaKind kind, Set<MediaType> accepted, List<MediaRule> rules) {
		OptionalLong maxBytes = rules.stream()
			.flatMap((rule) -> rule.maxBytes().stream())
			.mapToLong(Long::longValue)
			.min();
		return new MediaChecks(kind, Set.copyOf(accepted), List.copyOf(rules), maxBytes);
	}

	/** Whether a rule needs the file's width and height. */
	boolean needsDimensions() {
		return this.rules.stream().anyMatch(MediaRule::measuresDimensions);
	}

}
