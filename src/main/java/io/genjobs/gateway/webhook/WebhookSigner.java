package io.genjobs.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 signatures: {@code v1,} + base64 of HMAC-SHA256, keyed with the
 * base64-decoded part of a {@code whsec_} secret, over {@code {id}.{timestamp}.{body}}
 * with the body's exact bytes.
 */
final class WebhookSigner {

	static final String SECRET_PREFIX = "whsec_";

	private static final int SECRET_BYTES = 32;

	private static final String ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	// 24 characters of 62: about 143 random bits, the length of the specification's
	// example ids.
	private static final int ID_LENGTH = 24;

	private static final SecureRandom random = new SecureRandom();

	private WebhookSigner() {
	}

	/** A new secret: {@code whsec_} + base64 of 32 random bytes. */
	static String newSecret() {
		byte[] key = new byte[SECRET_BYTES];
		random.nextBytes(key);
		return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
	}

	/**
	 * A new event id, the {@code webhook-id}: {@code msg_} + 24 random letters and
	 * digits.
	 */
	static String newMessageId() {
		StringBuilder id = new StringBuilder("msg_");
		for (int i = 0; i < ID_LENGTH; i++) {
			id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
		}
		return id.toString();
	}

	/** One signature, {@code v1,<base64>}. */
	static String sign(String secret, String messageId, long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
			mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			// HmacSHA256 is required of every JDK; a key of any length is valid for it.
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * The {@code webhook-signature} header: one signature per secret, space-separated
	 * (two while a rotated-out secret still signs).
	 */
	static String signatureHeader(List<String> secrets, String messageId, long timestamp, byte[] body) {
		return String.join(" ", secrets.stream().map((secret) -> sign(secret, messageId, timestamp, body)).toList());
	}

	private static byte[] key(String secret) {
		// Never put the secret in a message: it ends up in logs.
		if (!secret.startsWith(SECRET_PREFIX)) {
			throw new IllegalArgumentException("a webhook secret must start with " + SECRET_PREFIX);
		}
		return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
	}

}
