package io.genjobs.gateway.team;

import java.util.Locale;
import java.util.Set;

import org.springframework.core.env.Environment;

/**
 * What an admin token must be outside local development and the tests (the {@code local}
 * and {@code test} profiles): at least {@value #MIN_LENGTH} characters, and none of the
 * placeholders that examples and manifests carry. A token that breaks the rule stops
 * start-up with a message saying why (never the token itself). No token at all is
 * allowed: the admin API is then off.
 */
final class AdminTokenPolicy {

	static final int MIN_LENGTH = 32;

	private static final Set<String> RELAXED_PROFILES = Set.of("local", "test");

	// Compared without case, after removing everything but letters and digits.
	private static final Set<String> PLACEHOLDERS = Set.of("changeme", "changeit", "replaceme", "admin", "admintoken",
			"password", "secret", "token", "test", "testadmintoken", "localadmintoken", "benchadmintoken", "yourtoken",
			"youradmintoken", "gatewayadmintoken", "example", "xxxxxxxx", "checkadmintokenofatleast32chars");

	private AdminTokenPolicy() {
	}

	/**
	 * Refuses the configured admin token unless the active profiles relax the rule.
	 * @throws IllegalStateException naming the setting and the broken rule
	 */
	static void check(AdminSettings settings, Environment environment) {
		if (!settings.adminApiEnabled() || environment.matchesProfiles(RELAXED_PROFILES.toArray(String[]::new))) {
			return;
		}
		String token = settings.adminToken().strip();
		String problem = problemWith(token);
		if (problem != null) {
			throw new IllegalStateException("gateway.admin-token (GATEWAY_ADMIN_TOKEN) " + problem
					+ ". Set it to a random value of at least " + MIN_LENGTH
					+ " characters (for example: openssl rand -base64 32), or leave it unset to turn the admin API off.");
		}
	}

	private static String problemWith(String token) {
		String letters = token.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		if (PLACEHOLDERS.contains(letters) || letters.chars().distinct().count() <= 2) {
			return "is a placeholder, not a secret";
		}
		if (token.length() < MIN_LENGTH) {
			return "is " + token.length() + " characters long; it must have at least " + MIN_LENGTH;
		}
		return null;
	}

}
