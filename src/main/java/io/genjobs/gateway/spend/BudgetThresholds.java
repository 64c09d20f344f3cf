package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The budget thresholds a team's booked spend reaches, each recorded once per calendar
 * month (UTC) in {@code budget_alerts}: the booking that first reaches one inserts its
 * row and publishes {@link BudgetThresholdReached} in its own transaction; the primary
 * key turns every later attempt of the month (another booking, another instance) into a
 * no-op. Thresholds are checked when spend is booked, and only then: a budget lowered
 * below the month's spend is alerted on at the team's next booking.
 */
@Component
class BudgetThresholds {

	/** The shares of the budget that are alerted on. */
	static final List<BigDecimal> THRESHOLDS = List.of(new BigDecimal("0.8"), new BigDecimal("1.0"));

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	BudgetThresholds(JdbcClient jdbc, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	/**
	 * Records the thresholds that {@code spent}, the team's booked spend in the month of
	 * {@code at} including the booking just made, reaches of {@code budget}, and
	 * publishes an event for each one reached for the first time this month. Runs in the
	 * booking's transaction, which holds the team's booking lock, so {@code spent} counts
	 * every booking committed before it.
	 */
	void afterBooking(UUID teamId, BigDecimal budget, BigDecimal spent, Instant at) {
		if (spent.signum() <= 0) {
			return;
		}
		YearMonth month = YearMonth.from(at.atOffset(ZoneOffset.UTC));
		LocalDate periodStart = month.atDay(1);
		for (BigDecimal threshold : THRESHOLDS) {
			if (spent.compareTo(threshold.multiply(budget)) < 0) {
				continue;
			}
			int inserted = this.jdbc.sql("""
					insert into budget_alerts (team_id, period_start, threshold, budget_usd, spent_usd, reached_at)
					values (:teamId, :periodStart, :threshold, :budget, :spent, :at)
					on conflict (team_id, period_start, threshold) do nothing""")
				.param("teamId", teamId)
				.param("periodStart", periodStart)
				.param("threshold", threshold)
				.param("budget", budget)
				.param("spent", spent)
				.param("at", at.atOffset(ZoneOffset.UTC))
				.update();
			if (inserted == 1) {
				this.events.publishEvent(new BudgetThresholdReached(teamId, threshold, Usd.plain(budget),
						Usd.plain(spent), startOf(month), startOf(month.plusMonths(1)), at));
			}
		}
	}

	private static Instant startOf(YearMonth month) {
		return OffsetDateTime.of(month.atDay(1).atStartOfDay(), ZoneOffset.UTC).toInstant();
	}

}
