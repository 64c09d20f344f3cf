package io.genjobs.gateway.team;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The team an active API key belongs to, as {@link ApiKeys#findActivePrincipal} reads it
 * and {@link KeyCache} keeps it: the principal, and whether the team is disabled.
 *
 * @param principal the team
 * @param disabledAt when an admin disabled the team, {@code null} while it is enabled
 */
record KeyOwner(TeamPrincipal principal, Instant disabledAt) {

	KeyOwner(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs, Instant disabledAt,
			String[] allowedModels, BigDecimal monthlyBudgetUsd) {
		this(new TeamPrincipal(id, name, rateLimitPerSecond, maxQueuedJobs,
				(allowedModels != null) ? List.of(allowedModels) : null, monthlyBudgetUsd != null), disabledAt);
	}

	boolean disabled() {
		return this.disabledAt != null;
	}

}
