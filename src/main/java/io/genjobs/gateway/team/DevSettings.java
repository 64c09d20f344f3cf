package io.genjobs.gateway.team;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The development team and key that the {@code local} profile seeds, so that the README's
 * examples work as written. Refused outside that profile: the key is public.
 *
 * @param seedTeam name of the team to make sure exists
 * @param seedKey the fixed API key to register for it
 */
@ConfigurationProperties("gateway.dev")
record DevSettings(String seedTeam, String seedKey) {

	boolean hasSeedTeam() {
		return this.seedTeam != null && !this.seedTeam.isBlank();
	}

	boolean hasSeedKey() {
		return this.seedKey != null && !this.seedKey.isBlank();
	}

	@Override
	public String toString() {
		return "DevSettings[seedTeam=" + this.seedTeam + ", seedKey=" + (hasSeedKey() ? "(set)" : "(unset)") + "]";
	}

}
