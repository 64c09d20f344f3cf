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
 * first use. Statements run in the caller's transaction.
 */
@Component
class TeamSecrets {

	private final JdbcClient jdbc;

	TeamSecrets(JdbcClient jdbc) {
		this.jdbc = jdbc;
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
			.param("secret", WebhookSigner.newSecret())
			.param("now", Timestamp.from(now))
			.update();
		return this.jdbc.sql("""
				select secret, previous_secret, previous_expires_at from webhook_team_secrets where team_id = :teamId
				""")
			.param("teamId", teamId)
			.query((rs, row) -> new Secret(rs.getString("secret"), rs.getString("previous_secret"),
					instant(rs.getTimestamp("previous_expires_at"))))
			.single();
	}

	/**
	 * Replaces the team's secret; the one replaced keeps signing until {@code grace} has
	 * passed (a secret replaced before that is dropped at once). Locks the row, so two
	 * rotations at once happen one after the other.
	 */
	Secret rotate(UUID teamId, Duration grace, Instant now) {
		get(teamId, now);
		String fresh = WebhookSigner.newSecret();
		Instant until = now.plus(grace);
		this.jdbc.sql("""
				update webhook_team_secrets
				set previous_secret = secret, previous_expires_at = :until, secret = :fresh, rotated_at = :now
				where team_id = :teamId
				""")
			.param("until", Timestamp.from(until))
			.param("fresh", fresh)
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
