package io.genjobs.gateway.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A model as the catalog serves it: a local model file, a synced RunComfy entry, or a
 * local file pinning a synced entry (the file's schemas, with the price, categories and
 * display name it leaves out taken from the synced entry). Immutable; the schemas are
 * shared, so treat them as read-only.
 *
 * @param id RunComfy's model id
 * @param displayName a human-readable name
 * @param description what the model does ({@code ""} when nobody says)
 * @param categories RunComfy's categories, such as {@code image-to-video}
 * @param inputSchema the model's input schema, as RunComfy (or the local file) writes it
 * @param outputSchema the model's output schema, when one is published
 * @param basePriceUsd the base price in US dollars per {@code priceUnit}, when known
 * @param priceUnit {@code output} or {@code second}, when known
 * @param pricingNote RunComfy's note on the price, if any
 * @param unavailableReason why jobs for the model are refused ({@code null} while it is
 * available)
 * @param source where the entry's schemas come from
 * @param schemaHash SHA-256 (hex) of the input schema in canonical form: what a job
 * records it was validated against
 * @param fetchedAt when the entry was fetched from RunComfy (a local file's: when the
 * gateway read it)
 * @param model the model to validate jobs with, {@code null} when unavailable
 */
public record CatalogEntry(String id, String displayName, String description, List<String> categories,
		JsonNode inputSchema, @Nullable JsonNode outputSchema, @Nullable BigDecimal basePriceUsd,
		@Nullable String priceUnit, @Nullable String pricingNote, @Nullable String unavailableReason, Source source,
		String schemaHash, Instant fetchedAt, @Nullable Model model) {

	/** Whether jobs for the model are accepted. */
	public boolean available() {
		return this.unavailableReason == null;
	}

	/** Where an entry's schemas come from. */
	public enum Source {

		/** Synced from RunComfy's catalog. */
		RUNCOMFY,

		/** A local model file ({@code gateway.catalog.locations}). */
		LOCAL;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
