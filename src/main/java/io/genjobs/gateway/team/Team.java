package io.genjobs.gateway.team;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.genjobs.gateway.common.persistence.CreatedEntity;

/**
 * A team of callers: the unit that owns jobs, webhook endpoints and API keys, and that
 * inbound limits apply to. Field values are checked by {@link TeamConstraints} before
 * they get here.
 */
@Entity
@Table(name = "teams")
class Team extends CreatedEntity<Team> {

	private String name;

	private int rateLimitPerSecond;

	private int maxQueuedJobs;

	private Instant updatedAt;

	private Instant disabledAt;

	/** Model ids or globs the team may use; {@code null} for every enabled model. */
	@JdbcTypeCode(SqlTypes.ARRAY)
	private String[] allowedModels;

	/**
	 * The most the team's jobs may cost per calendar month (UTC); {@code null} for no
	 * limit.
	 */
	private BigDecimal monthlyBudgetUsd;

	/** How long the team's output files are kept; {@code null}: the gateway's setting. */
	private Long outputRetentionSeconds;

	protected Team() {
	}

	Team(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs, Instant now) {
		super(id, now);
		this.name = name;
		this.rateLimitPerSecond = rateLimitPerSecond;
		this.maxQueuedJobs = maxQueuedJobs;
		this.updatedAt = now;
	}

	/**
	 * Applies the given changes; {@code null} keeps a value. {@code updatedAt} moves only
	 * when something actually changed.
	 */
	void change(String newName, Integer newRateLimitPerSecond, Integer newMaxQueuedJobs, Boolean disabled,
			Instant now) {
		boolean changed = false;
		if (disabled != null && disabled != (this.disabledAt != null)) {
			this.disabledAt = disabled ? now : null;
			changed = true;
		}
		if (newName != null && !newName.equals(this.name)) {
			this.name = newName;
			changed = true;
		}
		if (newRateLimitPerSecond != null && newRateLimitPerSecond != this.rateLimitPerSecond) {
			this.rateLimitPerSecond = newRateLimitPerSecond;
			changed = true;
		}
		if (newMaxQueuedJobs != null && newMaxQueuedJobs != this.maxQueuedJobs) {
			this.maxQueuedJobs = newMaxQueuedJobs;
			changed = true;
		}
		if (changed) {
			this.updatedAt = now;
		}
	}

	String getName() {
		return this.name;
	}

	int getRateLimitPerSecond() {
		return this.rateLimitPerSecond;
	}

	int getMaxQueuedJobs() {
		return this.maxQueuedJobs;
	}

	Instant getUpdatedAt() {
		return this.updatedAt;
	}

	/**
	 * Narrows (or, with {@code null} patterns, widens back) the models the team may use.
	 * @return whether anything changed
	 */
	boolean allowModels(AllowedModels allowed, Instant now) {
		String[] next = (allowed.patterns() != null) ? allowed.patterns().toArray(String[]::new) : null;
		if (Arrays.equals(next, this.allowedModels)) {
			return false;
		}
		this.allowedModels = next;
		this.updatedAt = now;
		return true;
	}

	/** The models the team may use, {@code null} for every enabled model. */
	List<String> getAllowedModels() {
		return (this.allowedModels != null) ? List.of(this.allowedModels) : null;
	}

	/**
	 * Sets (or, with {@code null}, removes) the team's monthly budget.
	 * @return whether anything changed
	 */
	boolean budget(MonthlyBudget budget, Instant now) {
		BigDecimal next = budget.usd();
		if ((next == null) ? this.monthlyBudgetUsd == null
				: (this.monthlyBudgetUsd != null && next.compareTo(this.monthlyBudgetUsd) == 0)) {
			return false;
		}
		this.monthlyBudgetUsd = next;
		this.updatedAt = now;
		return true;
	}

	void retainOutputs(OutputRetention retention, Instant now) {
		Long next = (retention.days() != null) ? retention.days() * 86_400L : null;
		if (!java.util.Objects.equals(next, this.outputRetentionSeconds)) {
			this.outputRetentionSeconds = next;
			this.updatedAt = now;
		}
	}

	Integer getOutputRetentionDays() {
		return (this.outputRetentionSeconds != null) ? (int) (this.outputRetentionSeconds / 86_400L) : null;
	}

	BigDecimal getMonthlyBudgetUsd() {
		return this.monthlyBudgetUsd;
	}

	/** When an admin disabled the team; {@code null} while it is enabled. */
	Instant getDisabledAt() {
		return this.disabledAt;
	}

}
