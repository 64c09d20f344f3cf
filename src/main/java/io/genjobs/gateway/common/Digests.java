package io.genjobs.gateway.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, which every JDK has, without the checked exception of asking for it. */
public final class Digests {

	private Digests() {
	}

	public static byte[] sha256(byte[] bytes) {
		return newSha256().digest(bytes);
	}

	/** The SHA-256 of a string's UTF-8 bytes. */
	public static byte[] sha256(String value) {
		return sha256(value.getBytes(StandardCharsets.UTF_8));
	}

	/** The SHA-256 of a string's UTF-8 bytes in lower-case hex. */
	public static String sha256Hex(String value) {
		return HexFormat.of().formatHex(sha256(value));
	}

	/** A fresh SHA-256 digest, for input that comes in parts. */
	public static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

}
