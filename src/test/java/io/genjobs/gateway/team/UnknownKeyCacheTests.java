package io.genjobs.gateway.team;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A key that authenticated nothing is answered from memory for
 * {@code gateway.teams.unknown-key-cache-ttl}: repeating it costs no database read. Shown
 * by registering the key behind the gateway's back (plain SQL, no notification): it stays
 * unknown until the cache is emptied, then the database read finds it.
 */
@IntegrationTest
class UnknownKeyCacheTests {

	@Autowired
	TeamAdministration administration;

	@Autowired
	KeyCache keyCache;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void anUnknownKeyIsNotReadFromTheDatabaseAgainAtOnce() {
		// Connecting the change listener empties the caches: not in the middle of this.
		await().atMost(Duration.ofSeconds(10)).until(this.keyCache::isListening);
		TeamView team = UniqueTeams.create(this.administration, "negative", null);
		String key = ApiKeySecrets.generate();
		assertThat(this.administration.authenticate(key)).isEmpty();
		assertThat(this.administration.isKnownUnknown(key)).isTrue();

		this.jdbc.update("insert into api_keys (id, team_id, key_hash, key_prefix, created_at) values (?, ?, ?, ?, ?)",
				UUID.randomUUID(), team.id(), ApiKeySecrets.hash(key), ApiKeySecrets.displayPrefix(key),
				java.sql.Timestamp.from(Instant.now()));
		assertThat(this.administration.authenticate(key)).as("answered from the negative cache").isEmpty();

		this.keyCache.invalidateAll();
		assertThat(this.administration.isKnownUnknown(key)).isFalse();
		assertThat(this.administration.authenticate(key)).map((owner) -> owner.principal().id()).contains(team.id());
	}

}
