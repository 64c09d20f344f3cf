package io.genjobs.gateway.spend;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/** Amounts of US dollars as the API shows them. */
public final class Usd {

	private Usd() {
	}

	/**
	 * The amount without the trailing zeros of its stored scale ({@code 0.500000} →
	 * {@code 0.5}, {@code 10.000000} → {@code 10}), never in exponent form.
	 */
	public static @Nullable BigDecimal plain(@Nullable BigDecimal amount) {
		if (amount == null) {
			return null;
		}
		BigDecimal stripped = amount.stripTrailingZeros();
		return (stripped.scale() < 0) ? stripped.setScale(0) : stripped;
	}

}
