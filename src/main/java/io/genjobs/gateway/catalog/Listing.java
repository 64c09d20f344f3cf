package io.genjobs.gateway.catalog;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a catalog entry says about a model besides its schemas, in RunComfy's field names:
 * how it is shown, where it is filed and what it costs. A local model file may set any of
 * these; what it leaves out comes from the synced entry with its id.
 *
 * @param displayName a human-readable name
 * @param categories RunComfy's categories ({@code image-to-video}, {@code text-to-image},
 * ...)
 * @param basePriceUsd the base price in US dollars, per {@code priceUnit}
 * @param priceUnit {@code output} (per output) or {@code second} (per second of output)
 * @param pricingNote RunComfy's words on the price
 */
record Listing(@Nullable String displayName, @Nullable List<String> categories, @Nullable BigDecimal basePriceUsd,
		@Nullable String priceUnit, @Nullable String pricingNote) {

	static final String DISPLAY_NAME = "display_name";

	static final String CATEGORIES = "categories";

	static final String BASE_PRICE_USD = "base_price_usd";

	static final String PRICE_UNIT = "price_unit";

	static final String PRICING_NOTE = "pricing_note";

	static final List<String> PRICE_UNITS = List.of("output", "second");

	static final Listing NONE = new Listing(null, null, null, null, null);

	/** A local file's listing fields; a wrong type is a problem of the file. */
	static Listing read(JsonNode root, CatalogProblems problems) {
		String displayName = string(root, DISPLAY_NAME, problems);
		List<String> categories = null;
		JsonNode categoriesNode = root.get(CATEGORIES);
		if (categoriesNode != null && !categoriesNode.isNull()) {
			categories = strings(categoriesNode);
			if (categories == null) {
				problems.at(CATEGORIES, "must be an array of strings");
			}
		}
		BigDecimal price = null;
		JsonNode priceNode = root.get(BASE_PRICE_USD);
		if (priceNode != null && !priceNode.isNull()) {
			if (priceNode.isNumber() && priceNode.decimalValue().signum() >= 0) {
				price = priceNode.decimalValue();
			}
			else {
				problems.at(BASE_PRICE_USD, "must be a number of US dollars, zero or more");
			}
		}
		String unit = string(root, PRICE_UNIT, problems);
		if (unit != null && !PRICE_UNITS.contains(unit)) {
			problems.at(PRICE_UNIT, "must be one of " + String.join(", ", PRICE_UNITS));
		}
		return new Listing(displayName, categories, price, unit, string(root, PRICING_NOTE, problems));
	}

	/**
	 * A synced entry's listing fields: what RunComfy sends in an unexpected shape is left
	 * out, as if it had not been sent.
	 */
	static Listing readLeniently(JsonNode entry) {
		JsonNode price = entry.get(BASE_PRICE_USD);
		JsonNode unit = entry.get(PRICE_UNIT);
		return new Listing(text(entry.get(DISPLAY_NAME)), strings(entry.path(CATEGORIES)),
				(price != null && price.isNumber() && price.decimalValue().signum() >= 0) ? price.decimalValue() : null,
				(unit != null && unit.isString() && PRICE_UNITS.contains(unit.stringValue())) ? unit.stringValue()
						: null,
				text(entry.get(PRICING_NOTE)));
	}

	/** This listing, with what it leaves out taken from {@code fallback}. */
	Listing orElse(Listing fallback) {
		return new Listing((this.displayName != null) ? this.displayName : fallback.displayName,
				(this.categories != null) ? this.categories : fallback.categories,
				(this.basePriceUsd != null) ? this.basePriceUsd : fallback.basePriceUsd,
				(this.priceUnit != null) ? this.priceUnit : fallback.priceUnit,
				(this.pricingNote != null) ? this.pricingNote : fallback.pricingNote);
	}

	private static @Nullable String string(JsonNode root, String key, CatalogProblems problems) {
		JsonNode node = root.get(key);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			problems.at(key, "must be a string");
			return null;
		}
		return node.stringValue();
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && node.isString() && !node.stringValue().isBlank()) ? node.stringValue() : null;
	}

	private static @Nullable List<String> strings(JsonNode node) {
		if (!node.isArray()) {
			return null;
		}
		List<String> values = new ArrayList<>();
		for (JsonNode item : node) {
			if (!item.isString()) {
				return null;
			}
			values.add(item.stringValue());
		}
		return List.copyOf(values);
	}

}
