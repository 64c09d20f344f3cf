package io.genjobs.gateway.team;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static io.genjobs.gateway.team.AuthenticationTests.expectUnauthenticated;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gateway.teams.key-cache-ttl=0}: every request reads its key from the database.
 */
@IntegrationTest
@Import(WhoAmIConfiguration.class)
@TestPropertySource(properties = "gateway.teams.key-cache-ttl=0")
class KeyCacheDisabledTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@Autowired
	KeyCache keyCache;

	@Autowired
	JdbcClient jdbc;

	@Test
	void shouldSeeARevocationMadeBehindTheGatewaysBackAtOnce() {
		TeamView team = UniqueTeams.create(this.administration, "uncached", null);
		IssuedKey key = this.administration.issueKey(team.id());
		this.client.get().uri("/test/whoami").headers(bearer(key.key())).exchange().expectStatus().isOk();

		this.jdbc.sql("update api_keys set revoked_at = now() where id = ?").param(key.id()).update();

		expectUnauthenticated(this.client.get().uri("/test/whoami").headers(bearer(key.key())).exchange());
		assertThat(this.keyCache.isListening()).isFalse();
	}

}
