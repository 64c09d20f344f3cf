package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage reports and budget figures, read from the append-only {@code spend_ledger}
 * (DESIGN, "Spend and budgets", "Reports"): a row per group of booked jobs, with their
 * count and the sum of their costs. Days are UTC days of {@code booked_at}.
 * <p>
 * A report has at most {@value #MAX_ROWS} rows: the period is at most
 * {@link UsagePeriod#MAX_DAYS} days, but an admin report grouped by team, day and model
 * grows with the number of teams, and one that would exceed the cap is refused rather
 * than cut short (the client narrows the period or the grouping).
 */
@Component
class UsageReports {

	/** The most rows one report answers with. */
	static final int MAX_ROWS = 20_000;

	private final JdbcClient jdbc;

	private final SpendLedger ledger;

	private final Clock clock;

	UsageReports(JdbcClient jdbc, SpendLedger ledger, Clock clock) {
		this.jdbc = jdbc;
		this.ledger = ledger;
		this.clock = clock;
	}

	/** The report of {@link #rows}, with its period and groupings. */
	UsageReport report(@Nullable UUID teamId, UsagePeriod period, Set<UsageGroup> groups) {
		return new UsageReport(period.from(), period.to(), groups.stream().map(UsageGroup::wireName).toList(),
				rows(teamId, period, groups));
	}

	/**
	 * The rows booked in {@code period}, for one team or (with {@code teamId} null) for
	 * all, grouped by {@code groups}. Without groups the answer is one row of totals,
	 * zero when nothing was booked.
	 * @throws UsageReportTooLargeException when there would be more than
	 * {@value #MAX_ROWS} rows
	 */
	List<UsageReport.Row> rows(@Nullable UUID teamId, UsagePeriod period, Set<UsageGroup> groups) {
		// The grouped columns come from the enum, never from the request. For
		// group_by=model,day of one team, for example:
		// select (booked_at at time zone 'UTC')::date as day, model, count(*) as jobs,
		// sum(amount_usd) as spent_usd from spend_ledger
		// where booked_at >= :from and booked_at < :to and team_id = :teamId
		// group by 1, 2 order by 1, model collate "C" limit 20001
		// (spend_ledger_team_time serves one team's range, spend_ledger_time everyone's.)
		List<String> columns = new ArrayList<>();
		List<String> order = new ArrayList<>();
		for (UsageGroup group : groups) {
			columns.add(switch (group) {
				case DAY -> "(booked_at at time zone 'UTC')::date as day";
				case TEAM -> "team_id";
				case MODEL -> "model";
			});
			// Model names in byte order, whatever the database's collation.
			order.add((group == UsageGroup.MODEL) ? "model collate \"C\"" : String.valueOf(order.size() + 1));
		}
		StringBuilder sql = new StringBuilder("select ");
		columns.forEach((column) -> sql.append(column).append(", "));
		sql.append("count(*) as jobs, coalesce(sum(amount_usd), 0) as spent_usd from spend_ledger")
			.append(" where booked_at >= :from and booked_at < :to");
		if (teamId != null) {
			sql.append(" and team_id = :teamId");
		}
		if (!groups.isEmpty()) {
			String positions = String.join(", ",
					IntStream.rangeClosed(1, groups.size()).mapToObj(String::valueOf).toList());
			sql.append(" group by ").append(positions).append(" order by ").append(String.join(", ", order));
		}
		sql.append(" limit ").append(MAX_ROWS + 1);
		JdbcClient.StatementSpec statement = this.jdbc.sql(sql.toString())
			.param("from", period.from().atOffset(ZoneOffset.UTC))
			.param("to", period.to().atOffset(ZoneOffset.UTC));
		if (teamId != null) {
			statement = statement.param("teamId", teamId);
		}
		List<UsageReport.Row> rows = statement.query((rs, n) -> {
			Date day = groups.contains(UsageGroup.DAY) ? rs.getDate("day") : null;
			return new UsageReport.Row(groups.contains(UsageGroup.MODEL) ? rs.getString("model") : null,
					(day != null) ? day.toLocalDate() : null,
					groups.contains(UsageGroup.TEAM) ? rs.getObject("team_id", UUID.class) : null, rs.getLong("jobs"),
					Usd.plain(rs.getBigDecimal("spent_usd")));
		}).list();
		if (rows.size() > MAX_ROWS) {
			throw new UsageReportTooLargeException(MAX_ROWS);
		}
		return rows;
	}

	/**
	 * The team's budget and this month's spend and reservations, read in one snapshot so
	 * that they add up as the budget check saw them.
	 */
	@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
	BudgetStatus budget(UUID teamId) {
		UsagePeriod month = UsagePeriod.currentMonth(this.clock);
		BigDecimal budget = this.ledger.budgetOf(teamId);
		BigDecimal spent = this.ledger.spentInMonth(teamId, month.from());
		BigDecimal reserved = this.ledger.reserved(teamId);
		BigDecimal remaining = (budget != null) ? budget.subtract(spent).subtract(reserved) : null;
		return new BudgetStatus(Usd.plain(budget), Usd.plain(spent), Usd.plain(reserved), Usd.plain(remaining),
				month.from(), month.to());
	}

}
