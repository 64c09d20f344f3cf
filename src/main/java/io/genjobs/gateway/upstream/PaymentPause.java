package io.genjobs.gateway.upstream;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Dispatch paused for every instance while RunComfy refuses submits for insufficient
 * balance (HTTP 402, or {@code error_code} 400002 under any status). Such a refusal fails
 * no job: the job goes back to the queue in its place, its attempt not counted. While the
 * pause holds no instance claims jobs, except that every
 * {@code gateway.upstream.payment-retry-interval} exactly one instance claims exactly one
 * job and tries it; a submit RunComfy accepts ends the pause everywhere.
 * <p>
 * The pause is two columns of the one {@code upstream_pause} row (beside the 429 pause),
 * written and compared by the database's clock: {@code payment_required_since} (null: no
 * pause) and {@code payment_retry_at}. Who tries the next job is decided by one atomic
 * {@code UPDATE ... WHERE payment_retry_at <= now() RETURNING}: of all instances asking
 * at once, one moves the time on and gets the row back. Each instance reads the row
 * before it claims and right before each submit leaves (for health and metrics at most
 * every {@link #REFRESH}), and knows its own changes at once.
 * <p>
 * Shows in health ({@code upstreamPayment}: {@code UPSTREAM_PAYMENT_REQUIRED}), as the
 * gauge {@code gateway_upstream_payment_required} (1 while paused) and the counter
 * {@code gateway_upstream_payment_refusals_total}; the instance that starts the pause
 * logs an ERROR, each refused retry a WARN, the end an INFO. Nothing here fails a caller:
 * a database that is away leaves the pause as this instance last knew it.
 */
@Component
class PaymentPause {

	private static final Log logger = LogFactory.getLog(PaymentPause.class);

	/** How long this instance trusts its copy of the shared pause. */
	static final Duration REFRESH = Duration.ofMillis(250);

	private final JdbcClient jdbc;

	private final Duration retryInterval;

	private final Counter refusals;

	/** The pause as last read or set here; {@code null}: none. */
	private volatile @Nullable State state;

	/** When the row was last read ({@link System#nanoTime()}). */
	private volatile long readAt;

	/** When this instance last changed the pause; guarded by {@code this}. */
	private long changedAt;

	PaymentPause(JdbcClient jdbc, UpstreamSettings settings, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.retryInterval = settings.paymentRetryInterval();
		this.refusals = Counter.builder("gateway.upstream.payment.refusals")
			.description("Submits RunComfy refused for insufficient balance (HTTP 402 or error_code 400002)")
			.register(meters);
		Gauge.builder("gateway.upstream.payment.required", this, (pause) -> (pause.current() != null) ? 1 : 0)
			.description("1 while dispatch is paused because RunComfy refuses submits for insufficient balance")
			.register(meters);
		long now = System.nanoTime();
		this.readAt = now - REFRESH.toNanos() - 1;
		this.changedAt = this.readAt;
	}

	/** How often one job is tried while the pause holds. */
	Duration retryInterval() {
		return this.retryInterval;
	}

	/** Whether the pause is in force, as this instance knows it (at most 250 ms old). */
	boolean inForce() {
		return current() != null;
	}

	/**
	 * Whether the pause is in force, read from the database now (as this instance last
	 * knew it when the database is away): before claims and right before a submit leaves.
	 */
	boolean inForceNow() {
		read(System.nanoTime());
		return this.state != null;
	}

	/** The pause in force (at most 250 ms old), or {@code null}; never throws. */
	@Nullable State current() {
		long now = System.nanoTime();
		if (now - this.readAt > REFRESH.toNanos()) {
			read(now);
		}
		return this.state;
	}

	private void read(long now) {
		try {
			State shared = this.jdbc.sql("""
					select payment_required_since, payment_retry_at from upstream_pause
					where id = 1 and payment_required_since is not null
					""").query(PaymentPause::state).optional().orElse(null);
			adopt(now, shared);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the shared payment pause: " + ex.getMessage());
		}
	}

	/**
	 * What the dispatcher may claim now: anything when there is no pause; one job when
	 * this instance won the next try; nothing otherwise.
	 */
	Turn turn() {
		if (!inForceNow()) {
			return Turn.ANY;
		}
		long now = System.nanoTime();
		State taken = this.jdbc.sql("""
				update upstream_pause set payment_retry_at = now() + make_interval(secs => :seconds)
				where id = 1 and payment_required_since is not null and payment_retry_at <= now()
				returning payment_required_since, payment_retry_at
				""").param("seconds", seconds(this.retryInterval)).query(PaymentPause::state).optional().orElse(null);
		if (taken == null) {
			return Turn.NONE;
		}
		change(now, taken);
		return Turn.ONE;
	}

	/**
	 * The try this instance won found no job to claim: the next round of any instance may
	 * try, instead of the next interval.
	 */
	void noJobToTry() {
		State taken = this.state;
		if (taken == null) {
			return;
		}
		try {
			this.jdbc.sql("""
					update upstream_pause set payment_retry_at = now()
					where id = 1 and payment_required_since is not null and payment_retry_at = :taken
					""").param("taken", Timestamp.from(taken.nextTryAt())).update();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not hand the payment retry back: " + ex.getMessage());
		}
	}

	/**
	 * RunComfy refused a submit for insufficient balance: the pause starts, or goes on
	 * for another interval. {@code tried} tells whether the submit was the one try of the
	 * interval.
	 */
	void refused(UpstreamException ex, boolean tried) {
		this.refusals.increment();
		long now = System.nanoTime();
		State known = this.state;
		Instant local = Instant.now();
		change(now, new State((known != null) ? known.since() : local, local.plus(this.retryInterval)));
		boolean started;
		State shared;
		try {
			Started result = share();
			started = result.started();
			shared = result.state();
			change(now, shared);
		}
		catch (RuntimeException failure) {
			logger.warn("Could not share the payment pause with the other instances: " + failure.getMessage());
			started = known == null;
			shared = this.state;
		}
		String why = Dispatcher.describe(ex);
		if (started) {
			logger.error("RunComfy refused a submit for insufficient balance (" + why + "): dispatch is paused on "
					+ "every gateway instance and jobs stay queued; one job is tried every "
					+ this.retryInterval.toSeconds() + " s until RunComfy accepts it. Top up the RunComfy account.");
		}
		else if (tried) {
			logger.warn("RunComfy still refuses submits for insufficient balance (" + why + "); paused since "
					+ shared.since() + ", next try at " + shared.nextTryAt());
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("A submit in flight when the payment pause began was refused too: " + why);
		}
	}

	/**
	 * Starts the shared pause, or, when it is in force already, moves its next try an
	 * interval on. Two statements, each deciding by its {@code WHERE} under the row's
	 * lock, so that of instances refused at once exactly one starts it.
	 */
	private Started share() {
		for (;;) {
			State begun = this.jdbc.sql("""
					update upstream_pause
					set payment_required_since = now(), payment_retry_at = now() + make_interval(secs => :seconds)
					where id = 1 and payment_required_since is null
					returning payment_required_since, payment_retry_at
					""")
				.param("seconds", seconds(this.retryInterval))
				.query(PaymentPause::state)
				.optional()
				.orElse(null);
			if (begun != null) {
				return new Started(true, begun);
			}
			State extended = this.jdbc.sql("""
					update upstream_pause
					set payment_retry_at = greatest(payment_retry_at, now() + make_interval(secs => :seconds))
					where id = 1 and payment_required_since is not null
					returning payment_required_since, payment_retry_at
					""")
				.param("seconds", seconds(this.retryInterval))
				.query(PaymentPause::state)
				.optional()
				.orElse(null);
			if (extended != null) {
				return new Started(false, extended);
			}
			// Ended by an accepted submit in between: this refusal starts it again.
		}
	}

	/** RunComfy accepted a submit: the pause, if any, ends for every instance. */
	void accepted() {
		State known = current();
		if (known == null) {
			return;
		}
		long now = System.nanoTime();
		change(now, null);
		try {
			int ended = this.jdbc.sql("""
					update upstream_pause set payment_required_since = null, payment_retry_at = null
					where id = 1 and payment_required_since is not null
					""").update();
			if (ended > 0) {
				logger.info("RunComfy accepts submits again: the payment pause that began at " + known.since()
						+ " is over, dispatch resumes on every instance");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not end the shared payment pause: " + ex.getMessage());
		}
	}

	private synchronized void change(long at, @Nullable State changed) {
		this.changedAt = at;
		this.state = changed;
	}

	/**
	 * The database is the truth, unless this instance changed the pause since the read
	 * began.
	 */
	private synchronized void adopt(long readAt, @Nullable State shared) {
		if (this.changedAt - readAt < 0) {
			this.state = shared;
		}
		this.readAt = readAt;
	}

	private static State state(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new State(rs.getTimestamp("payment_required_since").toInstant(),
				rs.getTimestamp("payment_retry_at").toInstant());
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	/** What a dispatcher round may claim. */
	enum Turn {

		/** No pause: a whole batch. */
		ANY,

		/** This instance won the interval's try: one job. */
		ONE,

		/** Paused, and the try is another's or not due: nothing. */
		NONE

	}

	/**
	 * A payment pause.
	 *
	 * @param since when RunComfy first refused
	 * @param nextTryAt when the next job is tried, all instances together
	 */
	record State(Instant since, Instant nextTryAt) {
	}

	private record Started(boolean started, State state) {
	}

}
