package io.genjobs.gateway.common.crypto;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTests {

	private static final byte[] OLD = key(1);

	private static final byte[] NEW = key(2);

	@Test
	void encryptsSoTheStoredValueHoldsNeitherTheSecretNorItsEncoding() {
		SecretCipher cipher = new SecretCipher(NEW, List.of());
		String secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
		String stored = cipher.encrypt(secret, "webhook_endpoints.secret:1");
		assertThat(stored).startsWith("v1:" + SecretCipher.keyId(NEW) + ":")
			.doesNotContain(secret)
			.doesNotContain("c2VjcmV0");
		assertThat(cipher.decrypt(stored, "webhook_endpoints.secret:1")).isEqualTo(secret);
		assertThat(cipher.encrypt(secret, "webhook_endpoints.secret:1")).as("a fresh nonce each time")
			.isNotEqualTo(stored);
	}

	@Test
	void aValueMovedToAnotherRowOrChangedDoesNotDecrypt() {
		SecretCipher cipher = new SecretCipher(NEW, List.of());
		String stored = cipher.encrypt("whsec_a", "webhook_endpoints.secret:1");
		assertThatThrownBy(() -> cipher.decrypt(stored, "webhook_endpoints.secret:2"))
			.isInstanceOf(SecretDecryptionException.class)
			.message()
			.doesNotContain("whsec_a");
		char last = stored.charAt(stored.length() - 3);
		String changed = stored.substring(0, stored.length() - 3) + (last == 'A' ? 'B' : 'A')
				+ stored.substring(stored.length() - 2);
		assertThatThrownBy(() -> cipher.decrypt(changed, "webhook_endpoints.secret:1"))
			.isInstanceOf(SecretDecryptionException.class);
		assertThatThrownBy(() -> cipher.decrypt("v1:" + SecretCipher.keyId(NEW) + ":AAAA", "c"))
			.isInstanceOf(SecretDecryptionException.class)
			.hasMessageContaining("truncated");
		assertThatThrownBy(() -> cipher.decrypt("whsec_plain", "c")).isInstanceOf(SecretDecryptionException.class);
	}

	@Test
	void rotationDecryptsUnderThePreviousKeyAndEncryptsUnderTheNewOne() {
		String underOld = new SecretCipher(OLD, List.of()).encrypt("whsec_old", "ctx");
		SecretCipher rotated = new SecretCipher(NEW, List.of(OLD));
		assertThat(rotated.decrypt(underOld, "ctx")).isEqualTo("whsec_old");
		assertThat(rotated.needsReEncryption(underOld)).isTrue();
		String again = rotated.encrypt(rotated.decrypt(underOld, "ctx"), "ctx");
		assertThat(rotated.needsReEncryption(again)).isFalse();
		assertThat(rotated.needsReEncryption("whsec_plain")).isTrue();
		assertThatThrownBy(() -> new SecretCipher(NEW, List.of()).decrypt(underOld, "ctx"))
			.isInstanceOf(SecretDecryptionException.class)
			.hasMessageContaining("key " + SecretCipher.keyId(OLD))
			.hasMessageContaining("not configured");
	}

	@Test
	void refusesKeysOfTheWrongLength() {
		assertThatThrownBy(() -> new SecretCipher(new byte[16], List.of())).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("32 bytes");
	}

	private static byte[] key(int seed) {
		byte[] key = new byte[32];
		new Random(seed).nextBytes(key);
		return key;
	}

}
