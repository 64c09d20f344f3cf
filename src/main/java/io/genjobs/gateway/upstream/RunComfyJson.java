package io.genjobs.gateway.upstream;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads RunComfy's JSON answers. RunComfy's fields are snake_case and read here by their
 * literal names, so the gateway's own naming settings cannot change what is understood.
 * Required fields are the ones the gateway cannot act without; everything else is read
 * leniently, because RunComfy documents its shapes only loosely.
 */
final class RunComfyJson {

	/** A cost beyond this many USD for one request is not believed (and not booked). */
	private static final BigDecimal MAX_COST = new BigDecimal("1000000");

	private static final int MAX_MESSAGE_LENGTH = 500;

	private final JsonMapper mapper = JsonMapper.builder().build();

	byte[] write(JsonNode input) {
		return this.mapper.writeValueAsBytes(input);
	}

	/** The body as a JSON tree, or {@code null} when it is empty or not JSON. */
	@Nullable JsonNode parse(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	Submission submission(JsonNode body) {
		return new Submission(requiredString(body, "request_id"), string(body, "status_url"),
				string(body, "result_url"), string(body, "cancel_url"));
	}

	RequestStatus status(JsonNode body, String requestId) {
		return new RequestStatus(requestId(body, requestId), requiredString(body, "status"),
				integer(body, "queue_position"), string(body, "status_url"), string(body, "result_url"));
	}

	RequestResult result(JsonNode body, String requestId) {
		return new RequestResult(requestId(body, requestId), requiredString(body, "status"), present(body, "output"),
				instant(body.get("created_at")), instant(body.get("finished_at")), present(body, "error"),
				cost(body.get("cost")), integer(body, "queue_position"));
	}

	/**
	 * RunComfy's {@code cost} in USD: a non-negative number, or a string holding one;
	 * {@code null} when absent or unreadable (the job then books its estimate).
	 */
	static @Nullable BigDecimal cost(@Nullable JsonNode cost) {
		if (cost == null) {
			return null;
		}
		BigDecimal value = null;
		if (cost.isNumber()) {
			if (cost.isFloatingPointNumber() && !Double.isFinite(cost.doubleValue())) {
				return null;
			}
			value = cost.decimalValue();
		}
		else if (cost.isString()) {
			try {
				value = new BigDecimal(cost.stringValue().strip());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return (value != null && value.signum() >= 0 && value.compareTo(MAX_COST) <= 0) ? value : null;
	}

	CancelOutcome cancel(JsonNode body, String requestId) {
		String status = string(body, "status");
		String outcome = string(body, "outcome");
		if (status == null && outcome == null) {
			throw new MalformedAnswer("neither 'outcome' nor 'status' in the answer");
		}
		return new CancelOutcome(requestId(body, requestId), status, outcome);
	}

	/**
	 * Whether a 2xx body is really an error. RunComfy sometimes answers errors with HTTP
	 * 200: they carry an {@code error_code}, or an {@code error} without any of a normal
	 * answer's fields. A result's own {@code error} (with {@code status}) is not one.
	 */
	static boolean isErrorBody(JsonNode body) {
		Long code = errorCode(body);
		if (code != null && code != 0) {
			return true;
		}
		return present(body, "error") != null && !body.hasNonNull("status") && !body.hasNonNull("request_id");
	}

	/** RunComfy's numeric {@code error_code}, sent as a number or a numeric string. */
	static @Nullable Long errorCode(@Nullable JsonNode body) {
		JsonNode code = (body != null) ? body.get("error_code") : null;
		if (code == null || code.isNull()) {
			return null;
		}
		if (code.isIntegralNumber() && code.canConvertToLong()) {
			return code.longValue();
		}
		if (code.isString()) {
			try {
				return Long.parseLong(code.asString().trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	/**
	 * The human-readable message in an error body or an {@code error} value: a string
	 * itself, or the first of {@code message}, {@code error}, {@code detail},
	 * {@code error_message} inside an object. Cut to a length fit for logs and job
	 * errors.
	 */
	static @Nullable String message(@Nullable JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (node.isString()) {
			return shorten(node.asString());
		}
		if (node.isObject()) {
			for (String field : new String[] { "message", "error", "detail", "error_message" }) {
				String found = message(node.get(field));
				if (found != null) {
					return found;
				}
			}
			return null;
		}
		return shorten(node.toString());
	}

	/**
	 * A timestamp in any of the forms RunComfy might use: RFC 3339 (with or without an
	 * offset; none means UTC) or epoch seconds or milliseconds. An unreadable one is
	 * {@code null}: timestamps are informative, not worth failing an answer over.
	 */
	static @Nullable Instant instant(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (node.isNumber()) {
			long value = node.asLong();
			// Epoch milliseconds pass 10^11 in 1973; epoch seconds will not until the
			// year 5138.
			return (Math.abs(value) >= 100_000_000_000L) ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
		}
		if (!node.isString()) {
			return null;
		}
		String text = node.asString().trim().replace(' ', 'T');
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			try {
				return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
			}
			catch (DateTimeParseException ignored) {
				return null;
			}
		}
	}

	private static String requestId(JsonNode body, String asked) {
		String answered = string(body, "request_id");
		return (answered != null) ? answered : asked;
	}

	private static String requiredString(JsonNode body, String field) {
		String value = string(body, field);
		if (value == null || value.isBlank()) {
			throw new MalformedAnswer("no '" + field + "' string in the answer");
		}
		return value;
	}

	private static @Nullable String string(JsonNode body, String field) {
		JsonNode value = body.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static @Nullable Integer integer(JsonNode body, String field) {
		JsonNode value = body.get(field);
		return (value != null && value.isIntegralNumber() && value.canConvertToInt()) ? value.intValue() : null;
	}

	private static @Nullable JsonNode present(JsonNode body, String field) {
		JsonNode value = body.get(field);
		return (value == null || value.isNull() || value.isMissingNode()) ? null : value;
	}

	private static @Nullable String shorten(String text) {
		String trimmed = text.strip();
		if (trimmed.isEmpty()) {
			return null;
		}
		return (trimmed.length() <= MAX_MESSAGE_LENGTH) ? trimmed : trimmed.substring(0, MAX_MESSAGE_LENGTH) + "…";
	}

	/** A 2xx answer the gateway cannot use; the message says what is missing. */
	static final class MalformedAnswer extends RuntimeException {

		MalformedAnswer(String message) {
			super(message);
		}

	}

}
