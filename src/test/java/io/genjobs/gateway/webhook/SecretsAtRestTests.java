package io.genjobs.gateway.webhook;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.Context;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.crypto.SecretCipher;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.TestWebhookConsumer.Inbox;
import io.genjobs.gateway.support.TestWebhookConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook signing secrets are stored encrypted (the raw columns, read with plain SQL,
 * hold no secret), plain ones stored before are encrypted by migration 8, and a key
 * rotation re-encrypts everything under the new key while consumers' secrets stay what
 * they were.
 */
@WebhookIntegrationTest
class SecretsAtRestTests {

	private static final Duration SOON = Duration.ofSeconds(5);

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	WebhookTestSupport support;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DataSource dataSource;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	EncryptWebhookSecretsMigration migration;

	@Autowired
	SecretCipher cipher;

	@Autowired
	WebTestClient client;

	@Value("${gateway.secrets.key}")
	String key;

	@Value("${gateway.admin-token}")
	String adminToken;

	@Test
	void theDatabaseHoldsNoSecretInPlainText() {
		TestTeam team = this.teams.create();
		List<String> secrets = new ArrayList<>();
		List<String> endpointIds = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			JsonNode endpoint = this.support.createEndpoint(team, TestWebhookConsumer.inbox().url());
			secrets.add(endpoint.get("secret").stringValue());
			endpointIds.add(endpoint.get("id").stringValue());
		}
		secrets.add(this.support.teamSecret(team));
		secrets.add(this.support.post(team, "/webhooks/secret/rotate", null)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("secret")
			.stringValue());

		List<String> stored = new ArrayList<>();
		stored.addAll(this.jdbc.queryForList("select secret from webhook_endpoints where team_id = ?", String.class,
				team.id()));
		Map<String, Object> teamRow = this.jdbc
			.queryForMap("select secret, previous_secret from webhook_team_secrets where team_id = ?", team.id());
		stored.add((String) teamRow.get("secret"));
		stored.add((String) teamRow.get("previous_secret"));

		assertThat(stored).hasSize(4).allSatisfy((value) -> {
			assertThat(value).startsWith("v1:" + this.cipher.currentKeyId() + ":").doesNotContain("whsec_");
			for (String secret : secrets) {
				assertThat(value).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length()));
			}
		});
		// Each value is bound to its row: it does not decrypt as another endpoint's.
		String first = this.jdbc.queryForObject("select secret from webhook_endpoints where id = ?::uuid", String.class,
				endpointIds.get(0));
		assertThat(this.cipher.decrypt(first, SecretsAtRest.endpointSecret(UUID.fromString(endpointIds.get(0)))))
			.isEqualTo(secrets.get(0));
		org.assertj.core.api.Assertions
			.assertThatThrownBy(
					() -> this.cipher.decrypt(first, SecretsAtRest.endpointSecret(UUID.fromString(endpointIds.get(1)))))
			.isInstanceOf(io.genjobs.gateway.common.crypto.SecretDecryptionException.class);
		// Nothing anywhere in the tables is in plain text.
		assertThat(this.jdbc.queryForObject(
				"""
						select (select count(*) from webhook_endpoints where secret not like 'v1:%' or position('whsec_' in secret) > 0)
						     + (select count(*) from webhook_team_secrets where secret not like 'v1:%'
						           or previous_secret not like 'v1:%' or position('whsec_' in coalesce(previous_secret, '')) > 0)
						""",
				Integer.class))
			.isZero();
	}

	@Test
	void theMigrationEncryptsSecretsStoredInPlainTextAndConsumersKeepTheirSecrets() throws Exception {
		TestTeam team = this.teams.create();
		Inbox inbox = TestWebhookConsumer.inbox();
		String endpointSecret = WebhookSigner.newSecret();
		String teamSecret = WebhookSigner.newSecret();
		String previousTeamSecret = WebhookSigner.newSecret();
		UUID endpointId = UUID.randomUUID();
		// As a gateway of the version before stored them.
		this.jdbc.update("""
				insert into webhook_endpoints (id, team_id, url, events, secret, created_at)
				values (?, ?, ?, '["job.cancelled"]'::jsonb, ?, now())
				""", endpointId, team.id(), inbox.url(), endpointSecret);
		this.jdbc.update(
				"""
						insert into webhook_team_secrets (team_id, secret, previous_secret, previous_expires_at, created_at, rotated_at)
						values (?, ?, ?, now() + interval '1 hour', now(), now())
						""",
				team.id(), teamSecret, previousTeamSecret);

		migrate();

		String storedEndpoint = this.jdbc.queryForObject("select secret from webhook_endpoints where id = ?",
				String.class, endpointId);
		Map<String, Object> storedTeam = this.jdbc
			.queryForMap("select secret, previous_secret from webhook_team_secrets where team_id = ?", team.id());
		assertThat(List.of(storedEndpoint, storedTeam.get("secret"), storedTeam.get("previous_secret")))
			.allSatisfy((value) -> assertThat((String) value).startsWith("v1:").doesNotContain("whsec_"));
		assertThat(this.cipher.decrypt(storedEndpoint, SecretsAtRest.endpointSecret(endpointId)))
			.isEqualTo(endpointSecret);
		assertThat(this.cipher.decrypt((String) storedTeam.get("previous_secret"),
				SecretsAtRest.previousTeamSecret(team.id())))
			.isEqualTo(previousTeamSecret);

		// Running it again changes nothing.
		migrate();
		assertThat(
				this.jdbc.queryForObject("select secret from webhook_endpoints where id = ?", String.class, endpointId))
			.isEqualTo(storedEndpoint);

		// The API shows, and deliveries are signed with, the secrets consumers had.
		assertThat(this.support.get(team, "/webhooks/endpoints/" + endpointId).get("secret").stringValue())
			.isEqualTo(endpointSecret);
		assertThat(this.support.teamSecret(team)).isEqualTo(teamSecret);
		Inbox own = TestWebhookConsumer.inbox();
		UUID jobId = this.support.createJob(team, own.url(), "job.cancelled");
		this.lifecycle.cancelled(jobId, "cancelled by the test");
		WebhookTestSupport.verify(endpointSecret, inbox.await(1, SOON).get(0));
		Received toOwnUrl = own.await(1, SOON).get(0);
		WebhookTestSupport.verify(teamSecret, toOwnUrl);
		String[] signatures = toOwnUrl.header("webhook-signature").split(" ");
		assertThat(signatures).hasSize(2);
		WebhookTestSupport.verify(previousTeamSecret, new Received(toOwnUrl.at(),
				WebhookTestSupport.withSignature(toOwnUrl, signatures[1]), toOwnUrl.body()));
	}

	@Test
	void afterAKeyChangeReEncryptionPutsEverySecretUnderTheNewKeyAndTheOldKeyStillDecryptsUntilThen() {
		TestTeam team = this.teams.create();
		JsonNode endpoint = this.support.createEndpoint(team, TestWebhookConsumer.inbox().url());
		UUID endpointId = UUID.fromString(endpoint.get("id").stringValue());
		String oldTeamSecret = this.support.teamSecret(team);
		String teamSecret = this.support.post(team, "/webhooks/secret/rotate", null)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("secret")
			.stringValue();
		byte[] oldKey = Base64.getDecoder().decode(this.key);
		byte[] newKey = new byte[32];
		new java.security.SecureRandom().nextBytes(newKey);
		SecretCipher rotated = new SecretCipher(newKey, List.of(oldKey));
		SecretsAtRest atRest = new SecretsAtRest(rotated);

		// Rolled back at the end: this context's gateway keeps the old key.
		this.transaction.executeWithoutResult((status) -> {
			status.setRollbackOnly();
			// Under the new key, with the old one previous, every value still reads.
			assertThat(atRest.open(this.jdbc.queryForObject("select secret from webhook_endpoints where id = ?",
					String.class, endpointId), SecretsAtRest.endpointSecret(endpointId)))
				.isEqualTo(endpoint.get("secret").stringValue());

			SecretsAtRest.ReEncryption result = atRest.reEncrypt(this.jdbc);
			assertThat(result.keyId()).isEqualTo(rotated.currentKeyId()).isNotEqualTo(this.cipher.currentKeyId());
			assertThat(result.reEncrypted()).isGreaterThanOrEqualTo(3);
			assertThat(result.undecryptable()).isZero();

			String storedEndpoint = this.jdbc.queryForObject("select secret from webhook_endpoints where id = ?",
					String.class, endpointId);
			Map<String, Object> storedTeam = this.jdbc
				.queryForMap("select secret, previous_secret from webhook_team_secrets where team_id = ?", team.id());
			String prefix = "v1:" + rotated.currentKeyId() + ":";
			assertThat(List.of(storedEndpoint, storedTeam.get("secret"), storedTeam.get("previous_secret")))
				.allSatisfy((value) -> assertThat((String) value).startsWith(prefix));
			// Only the new key is needed now.
			SecretCipher newOnly = new SecretCipher(newKey, List.of());
			assertThat(newOnly.decrypt(storedEndpoint, SecretsAtRest.endpointSecret(endpointId)))
				.isEqualTo(endpoint.get("secret").stringValue());
			assertThat(newOnly.decrypt((String) storedTeam.get("secret"), SecretsAtRest.teamSecret(team.id())))
				.isEqualTo(teamSecret);
			assertThat(newOnly.decrypt((String) storedTeam.get("previous_secret"),
					SecretsAtRest.previousTeamSecret(team.id())))
				.isEqualTo(oldTeamSecret);

			SecretsAtRest.ReEncryption again = atRest.reEncrypt(this.jdbc);
			assertThat(again.reEncrypted()).isZero();
			assertThat(again.alreadyCurrent()).isEqualTo(result.reEncrypted() + result.alreadyCurrent());
		});
		assertThat(this.support.teamSecret(team)).isEqualTo(teamSecret);
	}

	@Test
	void theAdminCallReEncryptsWhatIsNotUnderTheCurrentKey() {
		TestTeam team = this.teams.create();
		String plain = WebhookSigner.newSecret();
		this.jdbc.update("insert into webhook_team_secrets (team_id, secret, created_at) values (?, ?, now())",
				team.id(), plain);

		JsonNode answer = this.client.post()
			.uri("/admin/secrets/re-encrypt")
			.header("Authorization", "Bearer " + this.adminToken)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(answer.get("key_id").stringValue()).isEqualTo(this.cipher.currentKeyId());
		assertThat(answer.get("re_encrypted").intValue()).isGreaterThanOrEqualTo(1);
		assertThat(answer.get("undecryptable").intValue()).isZero();
		assertThat(answer.has("already_current")).isTrue();
		String stored = this.jdbc.queryForObject("select secret from webhook_team_secrets where team_id = ?",
				String.class, team.id());
		assertThat(stored).startsWith("v1:" + this.cipher.currentKeyId() + ":");
		assertThat(this.support.teamSecret(team)).isEqualTo(plain);

		this.client.post().uri("/admin/secrets/re-encrypt").exchange().expectStatus().isUnauthorized();
		this.client.post()
			.uri("/admin/secrets/re-encrypt")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	/** Runs migration 8 as Flyway does: in a transaction on a connection of its own. */
	private void migrate() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			this.migration.migrate(new Context() {

				@Override
				public Configuration getConfiguration() {
					return null;
				}

				@Override
				public Connection getConnection() {
					return connection;
				}

			});
			connection.commit();
		}
	}

}
