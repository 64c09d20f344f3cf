package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.common.web.InvalidParameterException;

/**
 * Reads the scheduling members of {@code POST /jobs}: {@code priority}, and the deadline,
 * given as {@code deadline} in the body (RFC 3339 with an offset) or as the
 * {@code Cancel-After} header (whole seconds from now). A deadline must lie ahead, and at
 * most {@code gateway.jobs.deadlines.max-ahead} ahead.
 */
final class JobDeadlineInput {

	/** Whole seconds, no sign, at most ten digits (anything longer is out of range). */
	private static final Pattern SECONDS = Pattern.compile("[0-9]{1,10}");

	private JobDeadlineInput() {
	}

	/** The body's {@code priority}: {@code normal} when absent. */
	static JobPriority priority(JsonNode node, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			return JobPriority.NORMAL;
		}
		JobPriority priority = node.isString() ? JobPriority.fromWireName(node.stringValue()) : null;
		if (priority == null) {
			errors.add(new FieldError("priority", "must be one of high, normal, low"));
		}
		return priority;
	}

	/** The body's {@code deadline}, or {@code null} when absent. */
	static Instant deadline(JsonNode node, Instant now, Duration maxAhead, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			return null;
		}
		Instant deadline = node.isString() ? parse(node.stringValue()) : null;
		if (deadline == null) {
			errors.add(new FieldError("deadline",
					"must be an RFC 3339 timestamp with an offset, such as 2030-01-01T12:00:00Z"));
			return null;
		}
		if (!deadline.isAfter(now)) {
			errors.add(new FieldError("deadline", "is not in the future"));
			return null;
		}
		if (deadline.isAfter(now.plus(maxAhead))) {
			errors.add(new FieldError("deadline", "is more than " + describe(maxAhead) + " ahead"));
			return null;
		}
		return deadline;
	}

	/**
	 * The deadline a {@code Cancel-After} header gives, or {@code null} without one: a
	 * positive whole number of seconds up to {@code maxAhead}; anything else is a
	 * {@code 400}.
	 */
	static Instant cancelAfter(String header, Instant now, Duration maxAhead) {
		if (header == null) {
			return null;
		}
		String value = header.strip();
		long seconds = SECONDS.matcher(value).matches() ? Long.parseLong(value) : -1;
		if (seconds <= 0 || seconds > maxAhead.toSeconds()) {
			throw new InvalidParameterException("Cancel-After",
					"must be a whole number of seconds from 1 to " + maxAhead.toSeconds());
		}
		return now.plusSeconds(seconds).truncatedTo(ChronoUnit.MICROS);
	}

	private static Instant parse(String text) {
		try {
			// PostgreSQL keeps microseconds: the job shows the deadline it keeps.
			return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
				.toInstant()
				.truncatedTo(ChronoUnit.MICROS);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static String describe(Duration duration) {
		return (duration.toHours() % 24 == 0 && duration.toDays() > 0) ? duration.toDays() + " days"
				: duration.toSeconds() + " seconds";
	}

}
