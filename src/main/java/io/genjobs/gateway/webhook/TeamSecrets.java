package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each team's signing secret for deliveries to its jobs' own {@code webhook_url}, made on
 * first use, stored encrypted ({@link SecretsAtRest}). Statements run in the caller's
 * transaction.
 */
@Component
class TeamSecrets {

	private final JdbcClient jdbc;

	private final SecretsAtRest secrets;

	TeamSecrets(JdbcClient jdbc, SecretsAtRest secrets) {
		this.jdbc = jdbc;
		this.secrets = secrets;
	}

	/** The team's secret now, made if the team has none yet. */
	Secret get(UUID teamId, Instant now) {
		// Two first uses at once insert one row: the loser's insert does nothing and both
		// read the winner's.
		this.jdbc.sql("""
				insert into webhook_team_secrets (team_id, secret, created_at) values (:teamId, :secret, :now)
				on conflict (team_id) do nothing
				""")
			.param("teamId", teamId)
			.param("secret", this.secrets.seal(WebhookSigner.newSecret(), SecretsAtRest.teamSecret(teamId)))
			.param("now", Timestamp.from(now))
			.update();
		return read(teamId, "");
	}

	private Secret read(UUID teamId, String lock) {
		return this.jdbc.sql("""
				select secret, previous_secret, previous_expires_at from webhook_team_secrets where team_id = :teamId
				""" + lock).param("teamId", teamId).query((rs, row) -> {
			String previous = rs.getString("previous_secret");
			return new Secret(this.secrets.open(rs.getString("secret"), SecretsAtRest.teamSecret(teamId)),
					(previous != null) ? this.secrets.open(previous, SecretsAtRest.previousTeamSecret(teamId)) : null,
					instant(rs.getTimestamp("previous_expires_at")));
		}).single();
	}

	/**
	 * Replaces the team's secret; the one replaced keeps signing until {@code grace} has
	 * passed (a secret replaced before that is dropped at once). Locks the row, so two
	 * rotations at once happen one after the other.
	 */
	Secret rotate(UUID teamId, Duration grace, Instant now) {
		get(teamId, now);
		// Each value is bound to its column: the replaced secret is decrypted and sealed
		// again as the previous one, under the row lock.
		Secret replaced = read(teamId, "for update");
		String fresh = WebhookSigner.newSecret();
		Instant until = now.plus(grace);
		this.jdbc.sql("""
				update webhook_team_secrets
				set previous_secret = :previous, previous_expires_at = :until, secret = :fresh, rotated_at = :now
				where team_id = :teamId
				""")
			.param("previous", this.secrets.seal(replaced.current(), SecretsAtRest.previousTeamSecret(teamId)))
			.param("until", Timestamp.from(until))
			.param("fresh", this.secrets.seal(fresh, SecretsAtRest.teamSecret(teamId)))
			.param("now", Timestamp.from(now))
			.param("teamId", teamId)
			.update();
		return get(teamId, now);
	}

	/**
	 * A team's secret, and the secret it replaced with the time that one stops signing.
	 */
	record Secret(String current, String previous, Instant previousExpiresAt) {

		/** The secrets that sign at {@code now}: the current one first. */
		List<String> signing(Instant now) {
			List<String> secrets = new ArrayList<>(2);
			secrets.add(this.current);
			if (this.previous != null && this.previousExpiresAt != null && this.previousExpiresAt.isAfter(now)) {
				secrets.add(this.previous);
			}
			return secrets;
		}

		/** When the previous secret stops signing, or {@code null} when none does. */
		Instant graceEndsAt(Instant now) {
			return (this.previous != null && this.previousExpiresAt != null && this.previousExpiresAt.isAfter(now))
					? this.previousExpiresAt : null;
		}

		@Override
		public String toString() {
			return "Secret[redacted]";
		}

	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
