package io.genjobs.gateway.job;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A job's rank within its team's share of RunComfy (DESIGN, "Deadlines and priorities"):
 * a team's {@code high} jobs are sent before its {@code normal} ones, and those before
 * its {@code low} ones; between teams the fair share holds whatever the priorities. The
 * declaration order is the rank the database stores (0 first).
 */
@Schema(name = "JobPriority", enumAsRef = true,
		description = "Rank within the team's fair share: a team's high jobs go before its normal ones, and those "
				+ "before its low ones; between teams the fair share holds whatever the priorities")
enum JobPriority {

	HIGH, NORMAL, LOW;

	@JsonValue
	String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Parses an API name; {@code null} when it is not a priority. */
	static JobPriority fromWireName(String name) {
		for (JobPriority priority : values()) {
			if (priority.wireName().equals(name)) {
				return priority;
			}
		}
		return null;
	}

}
