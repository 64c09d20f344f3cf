package io.genjobs.gateway.team;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A team as the admin API shows it.
 *
 * @param id the team's id
 * @param name the team's unique name
 * @param rateLimitPerSecond the most {@code POST /jobs} requests per second
 * @param maxQueuedJobs the most jobs the team may have {@code queued} at once
 * @param createdAt when the team was created
 * @param updatedAt when the team last changed
 * @param disabled whether an admin disabled the team: its keys are refused and its queued
 * jobs wait
 * @param disabledAt since when, {@code null} while the team is enabled
 * @param allowedModels the model ids or {@code *} globs the team may use, {@code null}
 * for every model {@code gateway.catalog.enabled-models} enables
 * @param monthlyBudgetUsd the most the team's jobs may cost per calendar month (UTC), in
 * USD; {@code null} for no limit
 * @param outputRetentionDays how long the team's output files are kept; {@code null} for
 * {@code gateway.storage.retention}
 */
public record TeamView(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs, Instant createdAt,
		Instant updatedAt, boolean disabled, Instant disabledAt, @Nullable List<String> allowedModels,
		@Nullable BigDecimal monthlyBudgetUsd, @Nullable Integer outputRetentionDays) {

	private static @Nullable BigDecimal plain(@Nullable BigDecimal amount) {
		if (amount == null) {
			return null;
		}
		BigDecimal stripped = amount.stripTrailingZeros();
		return (stripped.scale() < 0) ? stripped.setScale(0) : stripped;
	}

	static TeamView of(Team team) {
		return new TeamView(team.getId(), team.getName(), team.getRateLimitPerSecond(), team.getMaxQueuedJobs(),
				team.getCreatedAt(), team.getUpdatedAt(), team.getDisabledAt() != null, team.getDisabledAt(),
				team.getAllowedModels(), plain(team.getMonthlyBudgetUsd()), team.getOutputRetentionDays());
	}

}
