package io.genjobs.gateway.team;

import java.time.Duration;
import java.util.UUID;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static io.genjobs.gateway.team.AuthenticationTests.expectUnauthenticated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API key cache against a real PostgreSQL: a key is served from memory once seen, a
 * change announced by another instance (a {@code NOTIFY} on the channel) empties it, and
 * a broken listening connection makes it forget everything. Changes are made here with
 * plain SQL, behind the gateway's back, so that only the cache can explain what is
 * answered.
 */
@IntegrationTest
@Import(WhoAmIConfiguration.class)
class KeyCacheTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@Autowired
	KeyCache keyCache;

	@Autowired
	JdbcClient jdbc;

	@BeforeEach
	void listening() {
		await().atMost(Duration.ofSeconds(10)).until(this.keyCache::isListening);
	}

	@Test
	void shouldServeASeenKeyFromMemoryUntilAnotherInstanceAnnouncesAChange() {
		IssuedKey key = issueKey("cached");
		whoAmI(key).expectStatus().isOk();

		revokeBehindTheGatewaysBack(key);
		// Still cached: nothing announced the change.
		whoAmI(key).expectStatus().isOk();

		// What another instance's revocation sends when it commits.
		this.jdbc.sql("select pg_notify(?, '')").param(KeyCache.CHANNEL).query().singleValue();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> expectUnauthenticated(whoAmI(key)));
	}

	@Test
	void shouldForgetEveryKeyWhenTheListeningConnectionBreaks() {
		IssuedKey key = issueKey("listener-broken");
		whoAmI(key).expectStatus().isOk();
		revokeBehindTheGatewaysBack(key);
		whoAmI(key).expectStatus().isOk();

		// Notifications sent while the connection is down are lost: the cache must not
		// outlive it.
		// This run's database only: other runs on the same server listen too.
		this.jdbc
			.sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?"
					+ " and datname = current_database()")
			.param(KeyCache.APPLICATION_NAME)
			.query()
			.listOfRows();

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> expectUnauthenticated(whoAmI(key)));
		await().atMost(Duration.ofSeconds(10)).until(this.keyCache::isListening);
		expectUnauthenticated(whoAmI(key));
	}

	@Test
	void shouldApplyATeamChangeMadeThroughTheGatewayFromTheNextRequestOn() {
		IssuedKey key = issueKey("changed");
		whoAmI(key).expectBody().jsonPath("$.rate_limit_per_second").isEqualTo(5);

		this.administration.update(teamOf(key), null, 9, null);

		whoAmI(key).expectBody().jsonPath("$.rate_limit_per_second").isEqualTo(9);
	}

	@Test
	void shouldStopListeningAtOnceWhenStoppedAndListenAgainWhenStarted() {
		long started = System.nanoTime();
		this.keyCache.stop();
		// Stopping closes the listening connection, which ends the blocked receive.
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		assertThat(this.keyCache.isListening()).isFalse();
		// The server ends the backend of a closed connection on its own schedule.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.jdbc
				// This run's database only: other runs on the same server listen too.
				.sql("select count(*) from pg_stat_activity where application_name = ? and datname = current_database()")
				.param(KeyCache.APPLICATION_NAME)
				.query(Long.class)
				.single() == 0);

		this.keyCache.start();
		await().atMost(Duration.ofSeconds(10)).until(this.keyCache::isListening);
	}

	private IssuedKey issueKey(String purpose) {
		TeamView team = UniqueTeams.create(this.administration, purpose, 5);
		return this.administration.issueKey(team.id());
	}

	private UUID teamOf(IssuedKey key) {
		return this.jdbc.sql("select team_id from api_keys where id = ?").param(key.id()).query(UUID.class).single();
	}

	private void revokeBehindTheGatewaysBack(IssuedKey key) {
		this.jdbc.sql("update api_keys set revoked_at = now() where id = ?").param(key.id()).update();
	}

	private WebTestClient.ResponseSpec whoAmI(IssuedKey key) {
		return this.client.get().uri("/test/whoami").headers(bearer(key.key())).exchange();
	}

}
