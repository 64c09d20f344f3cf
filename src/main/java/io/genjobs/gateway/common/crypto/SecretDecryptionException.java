package io.genjobs.gateway.common.crypto;

/**
 * A stored secret could not be decrypted: its key is gone, or the value was changed.
 * Never carries the value itself.
 */
public class SecretDecryptionException extends RuntimeException {

	public SecretDecryptionException(String message) {
		super(message);
	}

}
