package io.genjobs.gateway.team;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
@ActiveProfiles({ "test", "local" })
@Import(WhoAmIConfiguration.class)
@TestPropertySource(properties = { "gateway.dev.seed-team=" + DevelopmentSeedIntegrationTests.TEAM,
		"gateway.dev.seed-key=" + DevelopmentSeedIntegrationTests.KEY, "spring.datasource.hikari.maximum-pool-size=2" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class DevelopmentSeedIntegrationTests {

	static final String TEAM = "seeded-dev-team";

	static final String KEY = "rcg_seeded_dev_key_for_tests_only";

	@Autowired
	DevelopmentSeed seed;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	WebTestClient client;

	@Test
	void shouldSeedTheTeamAndKeyOnceAndLetTheKeyIn(CapturedOutput output) {
		assertThat(output.getOut()).contains("Development team '" + TEAM + "' ready; API key: " + KEY);

		this.seed.seed();
		this.seed.seed();

		assertThat(this.jdbc.queryForObject("select count(*) from teams where name = ?", Integer.class, TEAM)).isOne();
		assertThat(this.jdbc.queryForObject(
				"select count(*) from api_keys k join teams t on t.id = k.team_id where t.name = ?", Integer.class,
				TEAM))
			.isOne();
		this.client.get()
			.uri("/test/whoami")
			.headers(bearer(KEY))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo(TEAM)
			.jsonPath("$.rate_limit_per_second")
			.isEqualTo(50);
	}

}
