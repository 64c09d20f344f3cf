package io.genjobs.gateway.webhook;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A delivery's state: {@code pending} (due at its next attempt, or held by a worker
 * making it) until it ends {@code delivered} or {@code failed}; a failed delivery may be
 * made pending again by hand. {@link DeliveryMove} says which moves are legal.
 */
enum DeliveryState {

	PENDING, DELIVERED, FAILED;

	/** The name used in the API and the {@code status} column. */
	@JsonValue
	String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The state as an SQL literal: {@code 'pending'}. */
	String literal() {
		return "'" + value() + "'";
	}

	/** Whether the delivery has ended (it is kept for its log and a manual retry). */
	boolean isFinished() {
		return this != PENDING;
	}

	/** Reads an API or database name; empty when it names no state. */
	static Optional<DeliveryState> fromValue(String value) {
		for (DeliveryState state : values()) {
			if (state.value().equals(value)) {
				return Optional.of(state);
			}
		}
		return Optional.empty();
	}

	/**
	 * {@code sql} with each {@code {pending}}, {@code {delivered}} and {@code {failed}}
	 * replaced by that state's literal. States are written into the statement rather than
	 * bound as parameters because the partial indexes name them ({@code where status =
	 * 'pending'}), and PostgreSQL uses such an index only for a condition that names the
	 * same value: a generic plan for {@code status = $1} cannot.
	 */
	static String inSql(String sql) {
		String result = sql;
		for (DeliveryState state : values()) {
			result = result.replace("{" + state.value() + "}", state.literal());
		}
		return result;
	}

	/** The names of every state, for messages: {@code pending, delivered, failed}. */
	static String names() {
		return String.join(", ", Arrays.stream(values()).map(DeliveryState::value).toList());
	}

}
