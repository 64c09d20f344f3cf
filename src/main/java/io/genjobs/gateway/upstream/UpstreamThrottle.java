package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps RunComfy calls within {@code gateway.upstream.rate-limit-per-second} for all
 * instances together, and holds every instance's calls back after a 429 for as long as
 * RunComfy asked.
 * <p>
 * Both live in PostgreSQL, not in one JVM: the token bucket is Bucket4j's PostgreSQL
 * backend (one row in {@code upstream_rate_buckets}, updated under
 * {@code SELECT ... FOR UPDATE}, so two instances cannot spend the same token), and the
 * pause is one row in {@code upstream_pause}, written and read by the database's clock
 * ({@code now()}), so instances whose clocks disagree still pause together. The bucket's
 * key is made of the configured rate and capacity, so instances started with another rate
 * do not share (and corrupt) its state.
 * <p>
 * Under load, tokens are taken from the shared bucket in batches, one transaction for as
 * many calls as are waiting at that moment (at most {@code rate × HOLD}), and handed out
 * here; a token not used within {@code HOLD} of its taking is dropped, never kept for
 * later. The bucket's capacity is lowered by the largest batch, so that the limit still
 * holds: over any time {@code t}, at most {@code rate × (1 s + t)} calls leave, all
 * instances together, as with a token per call. A lone call takes one token, as before.
 * <p>
 * A waiting call is told every {@link #SLICE} that it still waits ({@link Waiting}), so
 * that it can give up (shutdown, a lost lease, a client who will not wait).
 */
@Component
class UpstreamThrottle {

	/**
	 * How long this instance trusts its copy of the shared pause before reading it again.
	 */
	private static final Duration PAUSE_REFRESH = Duration.ofMillis(250);

	/** How long a token taken from the shared bucket may wait here to be used. */
	static final Duration HOLD = Duration.ofMillis(50);

	/** The longest a waiting call goes without being told that it still waits. */
	static final Duration SLICE = Duration.ofMillis(500);

	private final Bucket bucket;

	private final int maxBatch;

	private final ReentrantLock local = new ReentrantLock();

	/** Calls in {@link #acquire()} now, waiting included: the size of the next batch. */
	private final AtomicInteger waiting = new AtomicInteger();

	private final AtomicLong sharedTakes = new AtomicLong();

	/** Tokens taken and not yet handed out; guarded by {@code local}. */
	private int held;

	/**
	 * When the held tokens expire ({@link System#nanoTime()}); guarded by {@code local}.
	 */
	private long heldUntil;

	private final JdbcClient jdbc;

	private final Timer waits;

	/**
	 * When the shared pause ends, as last read or set here ({@link System#nanoTime()}).
	 */
	private volatile long pausedUntil;

	private volatile long pauseReadAt;

	/** When {@link #pauseFor} last raised the pause here; guarded by {@code this}. */
	private long raisedAt;

	UpstreamThrottle(DataSource dataSource, JdbcClient jdbc, UpstreamSettings settings, MeterRegistry meters) {
		ProxyManager<Long> buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
			.table("upstream_rate_buckets")
			.build();
		int rate = settings.rateLimitPerSecond();
		this.maxBatch = (int) Math.max(1, rate * HOLD.toMillis() / 1000);
		int capacity = (this.maxBatch > 1) ? rate - this.maxBatch : rate;
		BucketConfiguration configuration = BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(capacity).refillGreedy(rate, Duration.ofSeconds(1)))
			.build();
		this.bucket = buckets.builder().build(((long) rate << 32) | capacity, () -> configuration);
		this.jdbc = jdbc;
		this.waits = Timer.builder("gateway.upstream.throttle.wait")
			.description("Time RunComfy calls waited for the global rate limit or a 429 pause")
			.publishPercentileHistogram()
			.register(meters);
		long now = System.nanoTime();
		this.pausedUntil = now;
		this.pauseReadAt = now - PAUSE_REFRESH.toNanos() - 1;
		this.raisedAt = this.pauseReadAt;
	}

	/** Blocks until a call may go out, however long that takes. */
	void acquire() throws InterruptedException {
		acquire(Waiting.PATIENTLY);
	}

	/**
	 * Blocks until a call may go out: no 429 pause in force, and a token taken from the
	 * global bucket. {@code waiting} hears every {@link #SLICE} that the call still
	 * waits, and may end the wait by throwing.
	 */
	void acquire(Waiting waiting) throws InterruptedException {
		long started = System.nanoTime();
		Duration pause;
		while (!(pause = remainingPause()).isZero()) {
			waiting.paused(pause);
			Thread.sleep(Math.min(pause.toMillis() + 1, SLICE.toMillis()));
		}
		this.waiting.incrementAndGet();
		try {
			takeToken(waiting);
		}
		finally {
			this.waiting.decrementAndGet();
		}
		this.waits.record(Duration.ofNanos(System.nanoTime() - started));
	}

	private void takeToken(Waiting waiting) throws InterruptedException {
		while (!this.local.tryLock(SLICE.toNanos(), TimeUnit.NANOSECONDS)) {
			waiting.stillWaiting();
		}
		try {
			if (this.held > 0 && System.nanoTime() - this.heldUntil < 0) {
				this.held--;
				return;
			}
			int batch = Math.clamp(this.waiting.get(), 1, this.maxBatch);
			// Reserves the tokens when the bucket can refill them within the slice, and
			// then sleeps until they are due; otherwise takes nothing and answers false.
			while (!this.bucket.asBlocking().tryConsume(batch, SLICE)) {
				waiting.stillWaiting();
			}
			this.sharedTakes.incrementAndGet();
			this.held = batch - 1;
			this.heldUntil = System.nanoTime() + HOLD.toNanos();
		}
		finally {
			this.local.unlock();
		}
	}

	/** How many times tokens were taken from the shared bucket (one transaction each). */
	long sharedTakes() {
		return this.sharedTakes.get();
	}

	/**
	 * RunComfy answered 429: no instance calls it again before {@code retryAfter} has
	 * passed (by the database's clock). A longer pause already in force is kept.
	 */
	void pauseFor(Duration retryAfter) {
		long now = System.nanoTime();
		raiseLocalPause(now + retryAfter.toNanos());
		Double remaining = this.jdbc.sql("""
				update upstream_pause
				set paused_until = greatest(paused_until, now() + make_interval(secs => :seconds))
				where id = 1
				returning extract(epoch from paused_until - now())::float8
				""").param("seconds", retryAfter.toNanos() / 1e9).query(Double.class).optional().orElse(0.0);
		raiseLocalPause(now + (long) (remaining * 1e9));
	}

	/** Whether a shared 429 pause is in force now. */
	boolean paused() {
		return !remainingPause().isZero();
	}

	/** How long the shared 429 pause still lasts ({@link Duration#ZERO}: none). */
	Duration remainingPause() {
		long now = System.nanoTime();
		if (now - this.pauseReadAt > PAUSE_REFRESH.toNanos()) {
			double seconds = this.jdbc.sql(
					"select greatest(extract(epoch from paused_until - now()), 0)::float8 from upstream_pause where id = 1")
				.query(Double.class)
				.optional()
				.orElse(0.0);
			adoptSharedPause(now, now + (long) (seconds * 1e9));
		}
		long left = this.pausedUntil - System.nanoTime();
		return (left > 0) ? Duration.ofNanos(left) : Duration.ZERO;
	}

	private synchronized void raiseLocalPause(long until) {
		this.raisedAt = System.nanoTime();
		if (until - this.pausedUntil > 0) {
			this.pausedUntil = until;
		}
	}

	/**
	 * The database is the truth (a pause lifted there, by an operator, is lifted here
	 * too), unless this instance raised its pause since the read began.
	 */
	private synchronized void adoptSharedPause(long readAt, long sharedUntil) {
		boolean raisedSince = this.raisedAt - readAt >= 0;
		if (!raisedSince || sharedUntil - this.pausedUntil > 0) {
			this.pausedUntil = sharedUntil;
		}
		this.pauseReadAt = readAt;
	}

}
