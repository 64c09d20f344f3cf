package io.genjobs.gateway.spend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.genjobs.gateway.common.web.InvalidParameterException;

/**
 * The period a usage report covers, {@code from} (inclusive) to {@code to} (exclusive),
 * read from the query parameters of the same names. Each is an RFC 3339 instant
 * ({@code 2026-03-01T00:00:00Z}, any offset) or a UTC date ({@code 2026-03-01}): a date
 * {@code from} starts at the beginning of that day, a date {@code to} includes the whole
 * day (the period ends at the start of the next one), so
 * {@code from=2026-03-01&to=2026-03-31} is March. Absent {@code to}: the end of the
 * current UTC month; absent {@code from}: the start of the UTC month in which the period
 * ends. Neither: the current month.
 * <p>
 * A period is at most {@value #MAX_DAYS} days long (a leap year of daily rows), so that a
 * report has at most that many days of rows per model and team.
 *
 * @param from the first instant counted
 * @param to the first instant no longer counted
 */
record UsagePeriod(Instant from, Instant to) {

	/** The longest period a report covers, in days. */
	static final int MAX_DAYS = 366;

	// Instants PostgreSQL and every client can hold without surprises.
	private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

	private static final Instant LATEST = LocalDate.of(10_000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

	// RFC 3339 allows a lower-case "t" and "z".
	private static final DateTimeFormatter INSTANT = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.append(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
		.toFormatter();

	private static final int MAX_LENGTH = 64;

	private static final Pattern OFFSET_AFTER_SPACE = Pattern.compile(" (\\d{2}:\\d{2})$");

	/** The current UTC calendar month. */
	static UsagePeriod currentMonth(Clock clock) {
		return month(YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC)));
	}

	/** A UTC calendar month. */
	static UsagePeriod month(YearMonth month) {
		return new UsagePeriod(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
				month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
	}

	/**
	 * The period the parameters name, or {@code 400 invalid-parameter} naming the one
	 * that is unreadable, out of range, or makes the period empty or too long.
	 */
	static UsagePeriod of(@Nullable String from, @Nullable String to, Clock clock) {
		Instant end = (to != null) ? parse("to", to, true) : currentMonth(clock).to();
		Instant start = (from != null) ? parse("from", from, false)
				: month(YearMonth.from(end.minusNanos(1).atOffset(ZoneOffset.UTC))).from();
		if (!start.isBefore(end)) {
			throw new InvalidParameterException((from != null) ? "from" : "to",
					"must make a period that ends after it starts: from " + start + " is not before to " + end);
		}
		if (Duration.between(start, end).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
			throw new InvalidParameterException("to", "must be at most " + MAX_DAYS + " days after from");
		}
		return new UsagePeriod(start, end);
	}

	private static Instant parse(String name, String value, boolean end) {
		Instant instant = (value.length() <= MAX_LENGTH) ? instantOrNull(value, end) : null;
		if (instant == null) {
			throw new InvalidParameterException(name,
					"must be an RFC 3339 date-time (2026-03-01T00:00:00Z) or a date (2026-03-01)");
		}
		if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
			throw new InvalidParameterException(name, "must lie between 1970-01-01 and 9999-12-31");
		}
		return instant;
	}

	private static @Nullable Instant instantOrNull(String value, boolean end) {
		try {
			if (value.length() == 10) {
				LocalDate day = LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE);
				return (end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
			}
			// An unencoded "+" of an offset arrives decoded as a space ("+" in a query is
			// a space in form encoding): read it as the "+" it was.
			return OffsetDateTime.parse(OFFSET_AFTER_SPACE.matcher(value).replaceFirst("+$1"), INSTANT).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
