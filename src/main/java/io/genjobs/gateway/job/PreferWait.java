package io.genjobs.gateway.job;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code wait} preference of a {@code Prefer} header (RFC 7240): how long a client
 * would wait for a job to finish. Capped at {@link #MAX} (the preference is then applied
 * as {@code wait=60}); {@code wait=0}, a malformed value and every other preference
 * ({@code respond-async}, say) are ignored, as RFC 7240 asks of preferences a server does
 * not apply; only the first {@code wait} counts.
 */
final class PreferWait {

	static final Duration MAX = Duration.ofSeconds(60);

	/** The response header saying which wait was applied. */
	static final String APPLIED = "Preference-Applied";

	private PreferWait() {
	}

	/** The wait the {@code Prefer} header values ask for, if any usable. */
	static Optional<Duration> of(List<String> headerValues) {
		if (headerValues == null) {
			return Optional.empty();
		}
		for (String value : headerValues) {
			for (String preference : value.split(",")) {
				int parameters = preference.indexOf(';');
				String token = ((parameters >= 0) ? preference.substring(0, parameters) : preference).trim();
				int equals = token.indexOf('=');
				String name = ((equals >= 0) ? token.substring(0, equals) : token).trim();
				if (!name.toLowerCase(Locale.ROOT).equals("wait")) {
					continue;
				}
				return (equals >= 0) ? seconds(token.substring(equals + 1).trim()) : Optional.empty();
			}
		}
		return Optional.empty();
	}

	/** {@code Preference-Applied}'s value for an applied wait. */
	static String applied(Duration wait) {
		return "wait=" + wait.toSeconds();
	}

	private static Optional<Duration> seconds(String value) {
		String digits = (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
		if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return Optional.empty();
		}
		long seconds = Long.parseLong(digits);
		if (seconds == 0) {
			return Optional.empty();
		}
		return Optional.of((seconds > MAX.toSeconds()) ? MAX : Duration.ofSeconds(seconds));
	}

}
