package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.genjobs.gateway.team.TeamBudgets;

/**
 * The money side of a job's life: the budget check and reservation at accept, and at the
 * end the release of the reservation and the booking of the job's cost in the append-only
 * ledger. Months are calendar months in UTC.
 * <p>
 * The check is exact under concurrent requests on any number of instances: it reads the
 * budget, the month's booked spend and the team's reservations under a per-team
 * PostgreSQL advisory lock held until the accepting transaction (which also inserts the
 * job) commits, and writes this job's reservation in that transaction.
 */
@Component
public class SpendLedger {

	/** The advisory lock key space of budget checks (beside the queued-cap check's). */
	private static final int BUDGET_LOCK = 7313;

	/**
	 * The advisory lock key space of a team's bookings against its budget thresholds: a
	 * lock of its own, so bookings never wait for accepts.
	 */
	private static final int BOOKING_LOCK = 7314;

	private final JdbcClient jdbc;

	private final TeamBudgets budgets;

	private final BudgetThresholds thresholds;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	SpendLedger(JdbcClient jdbc, TeamBudgets budgets, BudgetThresholds thresholds, ApplicationEventPublisher events,
			Clock clock) {
		this.jdbc = jdbc;
		this.budgets = budgets;
		this.thresholds = thresholds;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * The team's monthly budget, or {@code null} when it has none (a quick, unlocked
	 * read).
	 */
	public @Nullable BigDecimal budgetOf(UUID teamId) {
		return this.budgets.monthlyBudgetUsd(teamId);
	}

	/**
	 * Checks under the team's lock that the month's spend, the team's reservations and
	 * {@code estimate} fit the team's budget, and reserves {@code estimate} for
	 * {@code jobId}; throws {@link BudgetExceededException} otherwise. Runs in the
	 * caller's transaction, which must also store the job: the lock is held until it
	 * ends.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void reserve(UUID teamId, UUID jobId, @Nullable BigDecimal estimate) {
		lock(teamId, BUDGET_LOCK);
		BigDecimal budget = this.budgets.monthlyBudgetUsd(teamId);
		if (budget == null) {
			return;
		}
		Instant now = this.clock.instant();
		BigDecimal spent = spentInMonth(teamId, now);
		BigDecimal reserved = reserved(teamId);
		if (estimate == null || spent.add(reserved).add(estimate).compareTo(budget) > 0) {
			throw new BudgetExceededException(budget, spent, reserved, estimate);
		}
		this.jdbc.sql("""
				insert into spend_reservations (job_id, team_id, amount_usd, reserved_at)
				values (:jobId, :teamId, :amount, :at)""")
			.param("jobId", jobId)
			.param("teamId", teamId)
			.param("amount", estimate)
			.param("at", utc(now))
			.update();
	}

	/**
	 * A job ended: its reservation is released and, when {@code amountUsd} is known, its
	 * cost booked (once: a job is booked at most one time), {@link SpendBooked}
	 * published, and the team's budget thresholds checked ({@link BudgetThresholds}).
	 * Runs in the transaction of the job's terminal transition.
	 * <p>
	 * The threshold check takes the team's booking lock (until the transaction ends)
	 * before it sums the month: concurrent bookings of a team, on any instance, then take
	 * turns, and each sums every booking committed before it, so the one that reaches a
	 * threshold always sees it reached. Only bookings of teams with a budget take the
	 * lock, one per transaction.
	 */
	public void settle(UUID jobId, UUID teamId, String model, @Nullable BigDecimal amountUsd, @Nullable String source,
			Instant at) {
		this.jdbc.sql("delete from spend_reservations where job_id = :jobId").param("jobId", jobId).update();
		if (amountUsd == null) {
			return;
		}
		int booked = this.jdbc.sql("""
				insert into spend_ledger (job_id, team_id, model, amount_usd, source, booked_at)
				values (:jobId, :teamId, :model, :amount, :source, :at)
				on conflict (job_id) do nothing""")
			.param("jobId", jobId)
			.param("teamId", teamId)
			.param("model", model)
			.param("amount", amountUsd)
			.param("source", new SqlParameterValue(Types.VARCHAR, source))
			.param("at", utc(at))
			.update();
		if (booked == 0) {
			return;
		}
		this.events.publishEvent(new SpendBooked(teamId, model, amountUsd, at));
		BigDecimal budget = this.budgets.monthlyBudgetUsd(teamId);
		if (budget != null) {
			lock(teamId, BOOKING_LOCK);
			this.thresholds.afterBooking(teamId, budget, spentInMonth(teamId, at), at);
		}
	}

	/**
	 * What the team's booked costs add up to in the calendar month (UTC) of {@code at}.
	 */
	public BigDecimal spentInMonth(UUID teamId, Instant at) {
		YearMonth month = YearMonth.from(at.atOffset(ZoneOffset.UTC));
		return this.jdbc.sql("""
				select coalesce(sum(amount_usd), 0) from spend_ledger
				where team_id = :teamId and booked_at >= :from and booked_at < :to""")
			.param("teamId", teamId)
			.param("from", month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC))
			.param("to", month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC))
			.query(BigDecimal.class)
			.single();
	}

	/** What the team's unfinished jobs have reserved. */
	public BigDecimal reserved(UUID teamId) {
		return this.jdbc.sql("select coalesce(sum(amount_usd), 0) from spend_reservations where team_id = :teamId")
			.param("teamId", teamId)
			.query(BigDecimal.class)
			.single();
	}

	/**
	 * How much of their budget the teams with one have used in the month of {@code at}
	 * (booked spend only), in one query over {@code spend_ledger_team_time}.
	 */
	public List<BudgetUse> budgetUse(Instant at) {
		Map<UUID, BigDecimal> budgets = this.budgets.all();
		if (budgets.isEmpty()) {
			return List.of();
		}
		YearMonth month = YearMonth.from(at.atOffset(ZoneOffset.UTC));
		Map<UUID, BigDecimal> spent = new HashMap<>();
		this.jdbc.sql("""
				select team_id, sum(amount_usd) as spent from spend_ledger
				where team_id = any(:teamIds) and booked_at >= :from and booked_at < :to
				group by team_id""")
			.param("teamIds", budgets.keySet().toArray(UUID[]::new))
			.param("from", month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC))
			.param("to", month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC))
			.query((rs) -> {
				spent.put(rs.getObject("team_id", UUID.class), rs.getBigDecimal("spent"));
			});
		List<BudgetUse> use = new ArrayList<>();
		budgets.forEach((teamId, budget) -> use
			.add(new BudgetUse(teamId, Usd.plain(budget), Usd.plain(spent.getOrDefault(teamId, BigDecimal.ZERO)))));
		return use;
	}

	/** Takes the team's advisory lock of {@code space} until the transaction ends. */
	private void lock(UUID teamId, int space) {
		this.jdbc
			.sql("select 1 from (select pg_advisory_xact_lock(hashtextextended(cast(:teamId as text), " + space
					+ "))) as lock")
			.param("teamId", teamId)
			.query()
			.singleValue();
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
