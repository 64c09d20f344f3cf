package io.genjobs.gateway.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import io.genjobs.gateway.media.MediaInfo;

/**
 * One entry of a RunComfy {@code validations} list (of an image, video or audio field),
 * compiled: a {@code validation_rule} such as {@code width_pixels>} is a metric followed
 * by an operator, compared with {@code validation_value}; when the comparison is false
 * the image fails with {@code validation_error}, word for word. Rules are applied
 * literally: {@code width_pixels>} 320 rejects an image exactly 320 pixels wide.
 */
record MediaRule(Metric metric, Operator operator, BigDecimal value, String error) {

	/**
	 * One megabyte in a {@code file_size_mb} rule. RunComfy does not say whether it means
	 * 10^6 or 2^20 bytes; we take the smaller, so that nothing the gateway accepts is
	 * rejected upstream (an image of 4,700,000 bytes already fails {@code file_size_mb<}
	 * 4.7).
	 */
	static final BigDecimal BYTES_PER_MB = BigDecimal.valueOf(1_000_000);

	/** The text start-up failures quote, so an operator sees what is allowed. */
	static final String KNOWN = "known metrics: " + Metric.list() + "; operators: " + Operator.list();

	/**
	 * Parses a {@code validation_rule} string.
	 * @return the metric and operator, or empty when the rule is not one we know
	 */
	static Optional<Parsed> parse(String rule) {
		for (Operator operator : Operator.LONGEST_FIRST) {
			if (rule.endsWith(operator.symbol)) {
				String metricName = rule.substring(0, rule.length() - operator.symbol.length());
				return Metric.named(metricName).map((metric) -> new Parsed(metric, operator));
			}
		}
		return Optional.empty();
	}

	/**
	 * Whether a file passes this rule. A file whose probe stopped at its size cap is
	 * known only to be larger than {@link MediaInfo#sizeBytes()}: it fails every size
	 * rule that bounds the size from above or pins it, and is judged on {@code sizeBytes}
	 * by a lower bound, which its true size exceeds anyway. A dimension rule needs
	 * {@link MediaInfo#hasDimensions()}; the caller checks that first.
	 */
	boolean passes(MediaInfo image) {
		if (this.metric == Metric.FILE_SIZE_MB && image.sizeExceeded() && this.operator.boundsFromAbove()) {
			return false;
		}
		return switch (this.metric) {
			case FILE_SIZE_MB ->
				this.operator.holds(BigDecimal.valueOf(image.sizeBytes()).divide(BYTES_PER_MB).compareTo(this.value));
			case WIDTH_PIXELS -> this.operator.holds(BigDecimal.valueOf(image.width()).compareTo(this.value));
			case HEIGHT_PIXELS -> this.operator.holds(BigDecimal.valueOf(image.height()).compareTo(this.value));
			// The quotient as a double against the value as written: 1200/400 is
			// exactly 3, so "width/height<" 3 rejects it.
			case ASPECT_RATIO ->
				this.operator.holds(Double.compare((double) image.width() / image.height(), this.value.doubleValue()));
		};
	}

	/** Whether the rule measures width or height (not a kind audio has). */
	boolean measuresDimensions() {
		return this.metric != Metric.FILE_SIZE_MB;
	}

	/**
	 * The largest file size, in bytes, that can pass this rule, or empty when the rule
	 * puts no upper bound on the size.
	 */
	Optional<Long> maxBytes() {
		if (this.metric != Metric.FILE_SIZE_MB || !this.operator.boundsFromAbove()) {
			return Optional.empty();
		}
		BigDecimal limit = this.value.multiply(BYTES_PER_MB);
		BigDecimal largest = (this.operator == Operator.LESS)
				? limit.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE)
				: limit.setScale(0, RoundingMode.FLOOR);
		return Optional.of(Math.max(0, largest.longValue()));
	}

	/** The metric and operator of a {@code validation_rule}. */
	record Parsed(Metric metric, Operator operator) {
	}

	/** What a rule measures on a file. */
	enum Metric {

		FILE_SIZE_MB("file_size_mb"), WIDTH_PIXELS("width_pixels"), HEIGHT_PIXELS("height_pixels"),
		ASPECT_RATIO("width/height");

		private final String name;

		Metric(String name) {
			this.name = name;
		}

		static Optional<Metric> named(String name) {
			return Arrays.stream(values()).filter((metric) -> metric.name.equals(name)).findFirst();
		}

		static String list() {
			return Arrays.stream(values()).map((metric) -> metric.name).collect(Collectors.joining(", "));
		}

	}

	/** How a rule compares the measure with its value. */
	enum Operator {

		LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">="), EQUAL("==");

		/**
		 * Two-character operators are tried first, so {@code <=} is not read as
		 * {@code <}.
		 */
		private static final Operator[] LONGEST_FIRST = { LESS_OR_EQUAL, GREATER_OR_EQUAL, EQUAL, LESS, GREATER };

		private final String symbol;

		Operator(String symbol) {
			this.symbol = symbol;
		}

		/**
		 * Whether a comparison result (as from {@code compareTo}) satisfies this
		 * operator.
		 */
		boolean holds(int comparison) {
			return switch (this) {
				case LESS -> comparison < 0;
				case LESS_OR_EQUAL -> comparison <= 0;
				case GREATER -> comparison > 0;
				case GREATER_OR_EQUAL -> comparison >= 0;
				case EQUAL -> comparison == 0;
			};
		}

		boolean boundsFromAbove() {
			return this == LESS || this == LESS_OR_EQUAL || this == EQUAL;
		}

		static String list() {
			return Arrays.stream(values()).map((operator) -> operator.symbol).collect(Collectors.joining(", "));
		}

	}

}
