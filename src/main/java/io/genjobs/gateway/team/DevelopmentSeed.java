package io.genjobs.gateway.team;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Seeds the development team and its fixed key ({@code gateway.dev.*}, set by the
 * {@code local} profile) at start-up, so that {@code ./mvnw spring-boot:run} is usable at
 * once. The key is public (it is in the repository), so the gateway refuses to start when
 * it is set outside the {@code local} profile.
 */
@Component
class DevelopmentSeed implements ApplicationRunner {

	static final String LOCAL_PROFILE = "local";

	private static final Log logger = LogFactory.getLog(DevelopmentSeed.class);

	private final DevSettings settings;

	private final TeamAdministration administration;

	DevelopmentSeed(DevSettings settings, Environment environment, TeamAdministration administration) {
		if (settings.hasSeedKey() && !environment.matchesProfiles(LOCAL_PROFILE)) {
			throw new IllegalStateException("gateway.dev.seed-key is set but the '" + LOCAL_PROFILE
					+ "' profile is not active. The development key is public and must never open a gateway"
					+ " outside local development: remove gateway.dev.seed-key (GATEWAY_DEV_SEEDKEY).");
		}
		this.settings = settings;
		this.administration = administration;
	}

	@Override
	public void run(ApplicationArguments args) {
		seed();
	}

	/** Makes sure the team and key exist; running it again changes nothing. */
	void seed() {
		if (!this.settings.hasSeedTeam() || !this.settings.hasSeedKey()) {
			if (this.settings.hasSeedTeam() != this.settings.hasSeedKey()) {
				logger.warn("Not seeding a development team: set both gateway.dev.seed-team and gateway.dev.seed-key");
			}
			return;
		}
		if (!ApiKeySecrets.isPlausible(this.settings.seedKey())) {
			throw new IllegalStateException("gateway.dev.seed-key must look like an API key: '"
					+ ApiKeySecrets.KEY_PREFIX + "' followed by 16 to 128 of A-Z, a-z, 0-9, '_' and '-'");
		}
		String team = this.settings.seedTeam().strip();
		if (this.administration.ensureDevelopmentKey(team, this.settings.seedKey())) {
			// The only key the gateway ever logs: a fixed, public value for local use.
			logger.info("Development team '" + team + "' ready; API key: " + this.settings.seedKey());
		}
		else {
			logger.warn("Development team '" + team + "' is ready but its key (gateway.dev.seed-key) was revoked;"
					+ " issue a new key with the admin API");
		}
	}

}
