package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A job's estimated cost at accept, from its model's catalog price (DESIGN, "Spend and
 * budgets"): unit {@code output} → the base price × the outputs the input asks for; unit
 * {@code second} → the base price × the input's duration in seconds, or its
 * {@code frames} ÷ 24 rounded, or where neither can be read the schema's largest allowed
 * duration, so that an estimate never undershoots. {@code null} when the model has no
 * price or its duration has no bound.
 */
public final class CostEstimator {

	/** The frame rate that turns {@code frames} into seconds. */
	static final int FRAMES_PER_SECOND = 24;

	private static final List<String> OUTPUT_COUNTS = List.of("num_images", "num_outputs", "n");

	private CostEstimator() {
	}

	/**
	 * The estimate for {@code input} (with its schema's defaults filled in) to a model
	 * priced {@code basePriceUsd} per {@code priceUnit}, whose input schema is
	 * {@code inputSchema}.
	 */
	public static @Nullable BigDecimal estimate(@Nullable BigDecimal basePriceUsd, @Nullable String priceUnit,
			@Nullable JsonNode inputSchema, JsonNode input) {
		if (basePriceUsd == null || priceUnit == null) {
			return null;
		}
		JsonNode properties = (inputSchema != null) ? inputSchema.path("properties") : null;
		return switch (priceUnit) {
			case "output" -> basePriceUsd.multiply(BigDecimal.valueOf(outputs(properties, input)));
			case "second" -> seconds(properties, input).map(basePriceUsd::multiply).orElse(null);
			default -> null;
		};
	}

	private static long outputs(@Nullable JsonNode properties, JsonNode input) {
		for (String name : OUTPUT_COUNTS) {
			if (properties == null || !properties.has(name)) {
				continue;
			}
			JsonNode value = input.get(name);
			if (value != null && value.isIntegralNumber() && value.asLong() >= 1) {
				return value.asLong();
			}
			// Not sent and no default: the most the schema allows, so as not to
			// undershoot.
			return largest(properties.get(name)).map((max) -> max.setScale(0, RoundingMode.CEILING).longValue())
				.orElse(1L);
		}
		return 1;
	}

	private static Optional<BigDecimal> seconds(@Nullable JsonNode properties, JsonNode input) {
		Optional<BigDecimal> duration = number(input.get("duration"));
		if (duration.isPresent()) {
			return duration;
		}
		boolean hasDuration = properties != null && properties.has("duration");
		if (!hasDuration && (input.has("frames") || (properties != null && properties.has("frames")))) {
			Optional<BigDecimal> frames = number(input.get("frames"));
			if (frames.isEmpty() && properties != null) {
				frames = largest(properties.get("frames"));
			}
			return frames.map((count) -> count.divide(BigDecimal.valueOf(FRAMES_PER_SECOND), 0, RoundingMode.HALF_UP));
		}
		return (properties != null) ? largest(properties.get("duration")) : Optional.empty();
	}

	/**
	 * The largest value a schema property allows: its {@code maximum}, or its enum's
	 * largest number.
	 */
	private static Optional<BigDecimal> largest(@Nullable JsonNode property) {
		if (property == null) {
			return Optional.empty();
		}
		Optional<BigDecimal> maximum = number(property.get("maximum"));
		if (maximum.isPresent()) {
			return maximum;
		}
		BigDecimal largest = null;
		for (JsonNode value : property.path("enum")) {
			Optional<BigDecimal> number = number(value);
			if (number.isPresent() && (largest == null || number.get().compareTo(largest) > 0)) {
				largest = number.get();
			}
		}
		return Optional.ofNullable(largest);
	}

	/**
	 * A non-negative number, or a string holding one ({@code "10"}); empty otherwise
	 * ({@code "auto"}).
	 */
	private static Optional<BigDecimal> number(@Nullable JsonNode value) {
		if (value == null) {
			return Optional.empty();
		}
		BigDecimal number = null;
		if (value.isNumber()) {
			number = value.decimalValue();
		}
		else if (value.isString()) {
			try {
				number = new BigDecimal(value.stringValue().strip());
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		}
		return (number != null && number.signum() >= 0) ? Optional.of(number) : Optional.empty();
	}

}
