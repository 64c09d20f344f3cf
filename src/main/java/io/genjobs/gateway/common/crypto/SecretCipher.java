package io.genjobs.gateway.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.genjobs.gateway.common.Digests;

/**
 * Encrypts secrets before they are stored (AES-256-GCM) and decrypts them when they are
 * needed. A stored value reads {@code v1:<key id>:<base64 of nonce, ciphertext and tag>};
 * the key id is the first 8 hex digits of the key's SHA-256, so a value names the key
 * that decrypts it. The current key encrypts; the current and previous keys decrypt
 * (rotation: add a new current key, keep the old one as previous until
 * {@link #needsReEncryption} finds nothing under it).
 * <p>
 * Each value is bound to where it is stored (its associated data, for example
 * {@code webhook_endpoints.secret:<id>}), so a value copied to another row does not
 * decrypt.
 */
public final class SecretCipher {

	private static final String PREFIX = "v1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String currentId;

	private final Map<String, SecretKey> keys;

	/**
	 * @param current the key that encrypts (32 bytes)
	 * @param previous keys that still decrypt
	 */
	public SecretCipher(byte[] current, List<byte[]> previous) {
		Map<String, SecretKey> keys = new LinkedHashMap<>();
		this.currentId = put(keys, current);
		for (byte[] key : previous) {
			put(keys, key);
		}
		this.keys = Map.copyOf(keys);
	}

	private static String put(Map<String, SecretKey> keys, byte[] key) {
		if (key.length != 32) {
			throw new IllegalArgumentException(
					"a secrets key must be 32 bytes (base64 of 32 random bytes), not " + key.length);
		}
		String id = keyId(key);
		keys.putIfAbsent(id, new SecretKeySpec(key, "AES"));
		return id;
	}

	/** The id a key is known by: the first 8 hex digits of its SHA-256. */
	public static String keyId(byte[] key) {
		return HexFormat.of().formatHex(Digests.sha256(key), 0, 4);
	}

	/** The id of the key that encrypts. */
	public String currentKeyId() {
		return this.currentId;
	}

	/** The stored form of {@code secret}, bound to {@code context}. */
	public String encrypt(String secret, String context) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.currentId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
			byte[] stored = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
			return PREFIX + this.currentId + ":" + Base64.getEncoder().encodeToString(stored);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/**
	 * The secret a stored value holds.
	 * @throws SecretDecryptionException when the value is not one this cipher made, its
	 * key is not configured, or it was changed or moved to another context
	 */
	public String decrypt(String stored, String context) {
		if (!isEncrypted(stored)) {
			throw new SecretDecryptionException("the stored value is not encrypted");
		}
		int colon = stored.indexOf(':', PREFIX.length());
		String id = stored.substring(PREFIX.length(), colon);
		SecretKey key = this.keys.get(id);
		if (key == null) {
			throw new SecretDecryptionException("the stored value was encrypted with key " + id
					+ ", which is not configured (GATEWAY_SECRETS_KEY or GATEWAY_SECRETS_PREVIOUS_KEYS)");
		}
		try {
			byte[] bytes = Base64.getDecoder().decode(stored.substring(colon + 1));
			if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
				throw new SecretDecryptionException("the stored value is truncated");
			}
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new SecretDecryptionException("the stored value is not valid base64");
		}
		catch (GeneralSecurityException ex) {
			// A wrong tag: changed, or bound to another context.
			throw new SecretDecryptionException("the stored value does not decrypt under key " + id);
		}
	}

	/** Whether a stored value is in this cipher's format (whatever its key). */
	public static boolean isEncrypted(String stored) {
		return stored != null && stored.startsWith(PREFIX) && stored.indexOf(':', PREFIX.length()) > PREFIX.length();
	}

	/**
	 * Whether a stored value is plain text or encrypted under a key other than the
	 * current one.
	 */
	public boolean needsReEncryption(String stored) {
		return stored != null && !(isEncrypted(stored) && stored.startsWith(PREFIX + this.currentId + ":"));
	}

}
