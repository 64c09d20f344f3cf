package io.genjobs.gateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.spend.BudgetUse;
import io.genjobs.gateway.spend.SpendLedger;

/**
 * {@code gateway_budget_used_ratio{team}}: each team with a budget, its booked spend this
 * calendar month (UTC) over its monthly budget (reservations excluded, as for the budget
 * alerts). Read from the database, so every instance reports the same value (aggregate
 * with {@code max}); a scrape never queries: a {@link WorkLoop} reads all teams in two
 * small queries every {@link #INTERVAL}, and sooner after this instance books spend
 * ({@link #wake()}), but never more often than every {@link #MIN_GAP}. A team whose
 * budget is removed leaves the gauge at the next read.
 */
@Component
class BudgetGauges extends WorkLoop {

	private static final Log logger = LogFactory.getLog(BudgetGauges.class);

	static final Duration INTERVAL = Duration.ofSeconds(30);

	static final Duration MIN_GAP = Duration.ofSeconds(1);

	private final SpendLedger ledger;

	private final TeamNames teams;

	private final Clock clock;

	private final MultiGauge gauge;

	private volatile Instant readAt;

	BudgetGauges(SpendLedger ledger, TeamNames teams, MeterRegistry registry, Clock clock) {
		super("budget-gauges", Duration.ofSeconds(1));
		this.ledger = ledger;
		this.teams = teams;
		this.clock = clock;
		this.gauge = MultiGauge.builder("gateway.budget.used.ratio")
			.description("Booked spend this calendar month (UTC) over the monthly budget, per team with a budget")
			.register(registry);
	}

	@Override
	protected Duration round() {
		Instant now = this.clock.instant();
		Duration since = (this.readAt != null) ? Duration.between(this.readAt, now) : INTERVAL;
		if (since.compareTo(MIN_GAP) < 0) {
			return MIN_GAP.minus(since);
		}
		read(now);
		return INTERVAL;
	}

	@Override
	protected Duration afterFailure(RuntimeException ex) {
		// The last values stay: a budget is not used less because the database is away.
		logger.warn("Budget gauges could not be read; keeping the last values: " + ex.getMessage());
		return Duration.ofSeconds(5);
	}

	/** Reads the teams' budget use now, replacing the gauge's rows. */
	void read(Instant now) {
		List<BudgetUse> use = this.ledger.budgetUse(now);
		this.gauge.register(use.stream()
			.map((team) -> MultiGauge.Row.of(Tags.of("team", this.teams.nameOf(team.teamId())), team.ratio()))
			.toList(), true);
		this.readAt = now;
	}

}
