package io.genjobs.gateway.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.crypto.SecretCipher;
import io.genjobs.gateway.common.crypto.SecretDecryptionException;

/**
 * The webhook signing secrets as they are stored: encrypted with the gateway's
 * {@link SecretCipher} (AES-256-GCM under {@code GATEWAY_SECRETS_KEY}, the key's id in
 * the value), each bound to its table, column and row, so a value copied into another row
 * or column does not decrypt. Also re-encrypts what is stored under an older key, or in
 * plain text from before the secrets were encrypted
 * ({@link EncryptWebhookSecretsMigration}, {@code POST /admin/secrets/re-encrypt}).
 */
@Component
class SecretsAtRest {

	private static final Log logger = LogFactory.getLog(SecretsAtRest.class);

	private final SecretCipher cipher;

	SecretsAtRest(SecretCipher cipher) {
		this.cipher = cipher;
	}

	/** Where an endpoint's secret is stored. */
	static String endpointSecret(UUID endpointId) {
		return "webhook_endpoints.secret:" + endpointId;
	}

	/** Where a team's current secret is stored. */
	static String teamSecret(UUID teamId) {
		return "webhook_team_secrets.secret:" + teamId;
	}

	/** Where the team secret that a rotation replaced is stored. */
	static String previousTeamSecret(UUID teamId) {
		return "webhook_team_secrets.previous_secret:" + teamId;
	}

	/** The stored form of {@code secret} at {@code context}. */
	String seal(String secret, String context) {
		return this.cipher.encrypt(secret, context);
	}

	/**
	 * The secret a stored value holds. A plain value (written before secrets were
	 * encrypted, by an instance of an older version during an upgrade) is the secret
	 * itself, until a re-encryption seals it.
	 * @throws SecretDecryptionException when the value's key is not configured or the
	 * value was changed or moved
	 */
	String open(String stored, String context) {
		return SecretCipher.isEncrypted(stored) ? this.cipher.decrypt(stored, context) : stored;
	}

	/** The id of the key that encrypts now. */
	String currentKeyId() {
		return this.cipher.currentKeyId();
	}

	/**
	 * Encrypts under the current key every stored secret that is not (plain, or under a
	 * previous key), in the caller's transaction, with the rows locked so that a
	 * concurrent team secret rotation waits for it. A value that does not decrypt (its
	 * key is no longer configured) is left as it is and counted.
	 */
	ReEncryption reEncrypt(JdbcOperations jdbc) {
		Tally tally = new Tally();
		List<Object[]> endpoints = new ArrayList<>();
		jdbc.query("select id, secret from webhook_endpoints order by id for update", (rs) -> {
			UUID id = rs.getObject("id", UUID.class);
			String sealed = reSeal(rs.getString("secret"), endpointSecret(id), tally);
			if (sealed != null) {
				endpoints.add(new Object[] { sealed, id });
			}
		});
		if (!endpoints.isEmpty()) {
			jdbc.batchUpdate("update webhook_endpoints set secret = ? where id = ?", endpoints);
		}
		List<Object[]> teams = new ArrayList<>();
		jdbc.query("select team_id, secret, previous_secret from webhook_team_secrets order by team_id for update",
				(rs) -> {
					UUID teamId = rs.getObject("team_id", UUID.class);
					String secret = rs.getString("secret");
					String previous = rs.getString("previous_secret");
					String sealed = reSeal(secret, teamSecret(teamId), tally);
					String sealedPrevious = (previous != null) ? reSeal(previous, previousTeamSecret(teamId), tally)
							: null;
					if (sealed != null || sealedPrevious != null) {
						teams.add(new Object[] { (sealed != null) ? sealed : secret,
								(sealedPrevious != null) ? sealedPrevious : previous, teamId });
					}
				});
		if (!teams.isEmpty()) {
			jdbc.batchUpdate("update webhook_team_secrets set secret = ?, previous_secret = ? where team_id = ?",
					teams);
		}
		ReEncryption result = new ReEncryption(this.cipher.currentKeyId(), tally.reEncrypted, tally.current,
				tally.undecryptable);
		if (tally.undecryptable > 0) {
			logger.warn("Re-encryption left " + tally.undecryptable
					+ " stored webhook secrets that no configured key decrypts");
		}
		return result;
	}

	/** The value sealed under the current key, or {@code null} when it already is. */
	private String reSeal(String stored, String context, Tally tally) {
		if (!this.cipher.needsReEncryption(stored)) {
			tally.current++;
			return null;
		}
		try {
			String sealed = this.cipher.encrypt(open(stored, context), context);
			tally.reEncrypted++;
			return sealed;
		}
		catch (SecretDecryptionException ex) {
			// Never the value: only where it is.
			logger.warn("Stored secret " + context + " does not decrypt: " + ex.getMessage());
			tally.undecryptable++;
			return null;
		}
	}

	/**
	 * What a re-encryption did: values now under key {@code keyId}, values that already
	 * were, and values no configured key decrypts (left as they are).
	 */
	record ReEncryption(String keyId, int reEncrypted, int alreadyCurrent, int undecryptable) {
	}

	private static final class Tally {

		int reEncrypted;

		int current;

		int undecryptable;

	}

}
