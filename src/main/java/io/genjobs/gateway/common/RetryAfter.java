package io.genjobs.gateway.common;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3), for RunComfy's answers and
 * webhook consumers' alike.
 */
public final class RetryAfter {

	// Ten digits of seconds is over 300 years: anything longer is nonsense, not a wait.
	private static final int MAX_DIGITS = 10;

	private RetryAfter() {
	}

	/**
	 * The wait a {@code Retry-After} value asks for: delta-seconds, or an HTTP-date
	 * measured from {@code now} (a date in the past means no wait). {@code null} when the
	 * value is absent or unreadable.
	 */
	public static @Nullable Duration parse(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.strip();
		if (trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return (trimmed.length() <= MAX_DIGITS) ? Duration.ofSeconds(Long.parseLong(trimmed)) : null;
		}
		try {
			Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration wait = Duration.between(now, at);
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
