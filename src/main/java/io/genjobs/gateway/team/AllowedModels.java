package io.genjobs.gateway.team;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A change of the models a team may use ({@code allowed_models}).
 *
 * @param patterns model ids or {@code *} globs ({@code *} matches any characters,
 * {@code /} included), within {@code gateway.catalog.enabled-models}; {@code null} lets
 * the team use every enabled model again, and an empty list none
 */
public record AllowedModels(@Nullable List<String> patterns) {

	public AllowedModels {
		patterns = (patterns != null) ? List.copyOf(patterns) : null;
	}

	/** Every enabled model. */
	public static AllowedModels all() {
		return new AllowedModels(null);
	}

	public static AllowedModels only(String... patterns) {
		return new AllowedModels(List.of(patterns));
	}

}
