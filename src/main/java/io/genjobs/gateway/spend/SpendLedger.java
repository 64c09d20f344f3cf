package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

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

	private final JdbcClient jdbc;

	private final TeamBudgets budgets;

	private final Clock clock;

	SpendLedger(JdbcClient jdbc, TeamBudgets budgets, Clock clock) {
		this.jdbc = jdbc;
		this.budgets = budgets;
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
		this.jdbc
			.sql("select 1 from (select pg_advisory_xact_lock(hashtextextended(cast(:teamId as text), " + BUDGET_LOCK
					+ "))) as lock")
			.param("teamId", teamId)
			.query()
			.singleValue();
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
	 * cost booked (once: a job is booked at most one time). Runs in the transaction of
	 * the job's terminal transition.
	 */
	public void settle(UUID jobId, UUID teamId, String model, @Nullable BigDecimal amountUsd, @Nullable String source,
			Instant at) {
		this.jdbc.sql("delete from spend_reservations where job_id = :jobId").param("jobId", jobId).update();
		if (amountUsd == null) {
			return;
		}
		this.jdbc.sql("""
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

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
