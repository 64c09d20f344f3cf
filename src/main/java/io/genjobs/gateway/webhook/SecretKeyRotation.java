package io.genjobs.gateway.webhook;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The last step of a secrets key rotation: every stored webhook secret not under the
 * current key is encrypted under it, in one short transaction. Until it has run, the
 * previous key must stay configured.
 */
@Service
class SecretKeyRotation {

	private static final Log logger = LogFactory.getLog(SecretKeyRotation.class);

	private final SecretsAtRest secrets;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	SecretKeyRotation(SecretsAtRest secrets, JdbcTemplate jdbc, TransactionTemplate transaction) {
		this.secrets = secrets;
		this.jdbc = jdbc;
		this.transaction = transaction;
	}

	SecretsAtRest.ReEncryption reEncrypt() {
		SecretsAtRest.ReEncryption result = this.transaction.execute((status) -> this.secrets.reEncrypt(this.jdbc));
		logger.info("Re-encrypted " + result.reEncrypted() + " stored webhook secrets under key " + result.keyId()
				+ " (" + result.alreadyCurrent() + " already were, " + result.undecryptable() + " do not decrypt)");
		return result;
	}

}
