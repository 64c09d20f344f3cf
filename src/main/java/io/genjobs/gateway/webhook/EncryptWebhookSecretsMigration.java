package io.genjobs.gateway.webhook;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Flyway migration 8: encrypts the webhook signing secrets stored in plain text before
 * secrets were encrypted (endpoint secrets, team secrets and the previous ones of a
 * rotation). A Java migration because it needs the secrets key; a bean, so that Spring
 * Boot hands it to Flyway (with the {@code SecretCipher} bean) beside the SQL migrations
 * of {@code db/migration}. It runs once, in Flyway's transaction, on Flyway's connection.
 */
@Component
class EncryptWebhookSecretsMigration implements JavaMigration {

	private static final Log logger = LogFactory.getLog(EncryptWebhookSecretsMigration.class);

	private final SecretsAtRest secrets;

	EncryptWebhookSecretsMigration(SecretsAtRest secrets) {
		this.secrets = secrets;
	}

	@Override
	public MigrationVersion getVersion() {
		return MigrationVersion.fromVersion("8");
	}

	@Override
	public String getDescription() {
		return "encrypt webhook secrets";
	}

	@Override
	public Integer getChecksum() {
		return null;
	}

	@Override
	public boolean canExecuteInTransaction() {
		return true;
	}

	@Override
	public void migrate(Context context) {
		// Suppresses close: the connection is Flyway's.
		JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(context.getConnection(), true));
		SecretsAtRest.ReEncryption result = this.secrets.reEncrypt(jdbc);
		logger.info("Encrypted " + result.reEncrypted() + " stored webhook secrets under key " + result.keyId());
	}

}
