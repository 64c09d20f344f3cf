package io.genjobs.gateway.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the output links that work without a key: {@code {public
 * base}/jobs/{id}/outputs/{n}?expires={unix seconds}&signature={s}}, where {@code s} is
 * the base64url HMAC-SHA256 of {@code "{id}/{n}/{expires}"} under a key of the server's.
 * A link names one file and its expiry, so neither can be changed without the key; checks
 * compare in constant time.
 */
final class LinkSigner {

	private static final String ALGORITHM = "HmacSHA256";

	/**
	 * What the configured secret is turned into a key with, so the key is for this alone.
	 */
	private static final byte[] PURPOSE = "runcomfy-gateway output links v1".getBytes(StandardCharsets.UTF_8);

	private final SecretKeySpec key;

	private final Supplier<String> publicBaseUrl;

	private final Duration ttl;

	private final Clock clock;

	LinkSigner(String secret, Supplier<String> publicBaseUrl, Duration ttl, Clock clock) {
		this.key = new SecretKeySpec(
				hmac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM), PURPOSE), ALGORITHM);
		this.publicBaseUrl = publicBaseUrl;
		this.ttl = ttl;
		this.clock = clock;
	}

	/** A link to file {@code n} of the job, valid from now for {@code url-ttl}. */
	String sign(UUID jobId, int n) {
		long expires = this.clock.instant().plus(this.ttl).getEpochSecond();
		return this.publicBaseUrl.get() + path(jobId, n) + "?expires=" + expires + "&signature="
				+ signature(jobId, n, expires);
	}

	/** Whether the link's {@code expires} and {@code signature} are good now. */
	boolean verify(UUID jobId, int n, String expires, String signature) {
		long expiresAt;
		byte[] given;
		try {
			expiresAt = Long.parseLong(expires);
			given = Base64.getUrlDecoder().decode(signature);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		byte[] expected = Base64.getUrlDecoder().decode(signature(jobId, n, expiresAt));
		return MessageDigest.isEqual(expected, given) && this.clock.instant().getEpochSecond() <= expiresAt;
	}

	static String path(UUID jobId, int n) {
		return "/jobs/" + jobId + "/outputs/" + n;
	}

	private String signature(UUID jobId, int n, long expires) {
		byte[] mac = hmac(this.key, (jobId + "/" + n + "/" + expires).getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
	}

	private static byte[] hmac(SecretKeySpec key, byte[] data) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
