package io.genjobs.gateway.team;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The format of API keys and how they are stored. A key is {@code rcg_} followed by the
 * unpadded base64url form of 32 random bytes. Because a key carries 256 random bits, a
 * single unsalted SHA-256 is enough to store it: there is nothing to guess that a slow
 * hash would protect, and a plain hash keeps the per-request lookup one indexed query.
 */
final class ApiKeySecrets {

	static final String KEY_PREFIX = "rcg_";

	private static final int RANDOM_BYTES = 32;

	// Eight characters past "rcg_" (48 of the 256 bits) tell keys apart in a list and
	// leave far too many bits unknown to matter for guessing the rest.
	private static final int DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length() + 8;

	// Anything else is refused without a database query. Also admits the fixed
	// development key, which is not random but uses the same alphabet.
	private static final Pattern PLAUSIBLE_KEY = Pattern.compile("rcg_[A-Za-z0-9_-]{16,128}");

	private static final SecureRandom random = new SecureRandom();

	private ApiKeySecrets() {
	}

	static String generate() {
		byte[] bytes = new byte[RANDOM_BYTES];
		random.nextBytes(bytes);
		return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * Lower-case hex SHA-256 of the key's UTF-8 bytes: what {@code api_keys.key_hash}
	 * holds.
	 */
	static String hash(String key) {
		return HexFormat.of().formatHex(sha256(key));
	}

	/** The non-secret start of a key, kept for display. */
	static String displayPrefix(String key) {
		return key.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, key.length()));
	}

	static boolean isPlausible(String key) {
		return PLAUSIBLE_KEY.matcher(key).matches();
	}

	static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
