package io.genjobs.gateway.team;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API's credential.
 *
 * @param adminToken the bearer token of the admin API (env {@code GATEWAY_ADMIN_TOKEN});
 * unset or blank turns the admin API off
 */
@ConfigurationProperties("gateway")
record AdminSettings(String adminToken) {

	boolean adminApiEnabled() {
		return this.adminToken != null && !this.adminToken.isBlank();
	}

	// The generated toString would print the token wherever the settings are logged.
	@Override
	public String toString() {
		return "AdminSettings[adminToken=" + (adminApiEnabled() ? "(set)" : "(unset)") + "]";
	}

}
