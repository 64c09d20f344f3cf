package io.genjobs.gateway.team;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Teams' monthly budgets, read from the database on every call (never cached), so that a
 * budget check sees the budget an admin set last.
 */
@Component
public class TeamBudgets {

	private final JdbcClient jdbc;

	TeamBudgets(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The team's {@code monthly_budget_usd}, or {@code null} for no limit (or no such
	 * team).
	 */
	public @Nullable BigDecimal monthlyBudgetUsd(UUID teamId) {
		return this.jdbc.sql("select monthly_budget_usd from teams where id = :id")
			.param("id", teamId)
			.query((rs, row) -> rs.getBigDecimal(1))
			.optional()
			.orElse(null);
	}

	/**
	 * Every team that has a budget, with it (teams without one are left out). A team
	 * count's worth of rows, read for the budget gauges.
	 */
	public Map<UUID, BigDecimal> all() {
		Map<UUID, BigDecimal> budgets = new LinkedHashMap<>();
		this.jdbc.sql("select id, monthly_budget_usd from teams where monthly_budget_usd is not null order by id")
			.query((rs) -> {
				budgets.put(rs.getObject("id", UUID.class), rs.getBigDecimal("monthly_budget_usd"));
			});
		return budgets;
	}

}
