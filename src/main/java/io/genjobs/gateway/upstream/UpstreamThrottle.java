package io.genjobs.gateway.upstream;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * pause is one row in {@code upstream_pause}. The bucket's key is made of the configured
 * rate and capacity, so instances started with another rate do not share (and corrupt)
 * its state.
 * <p>
 * Under load, tokens are taken from the shared bucket in batches, one transaction for as
 * many calls as are waiting at that moment (at most {@code rate × HOLD}), and handed out
 * here; a token not used within {@code HOLD} of its taking is dropped, never kept for
 * later. The bucket's capacity is lowered by the largest batch, so that the limit still
 * holds: over any time {@code t}, at most {@code rate × (1 s + t)} calls leave, all
 * instances together, as with a token per call. A lone call takes one token, as before.
 */
@Component
class UpstreamThrottle {

	/**
	 * How long this instance trusts its copy of the shared pause before reading it again.
	 */
	private static final Duration PAUSE_REFRESH = Duration.ofMillis(250);

	/** How long a token taken from the shared bucket may wait here to be used. */
	static final Duration HOLD = Duration.ofMillis(50);

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

	private final Clock clock;

	private final Timer waits;

	private volatile Instant pausedUntil = Instant.EPOCH;

	private volatile Instant pauseReadAt = Instant.EPOCH;

	UpstreamThrottle(DataSource dataSource, JdbcClient jdbc, UpstreamSettings settings, Clock clock,
			MeterRegistry meters) {
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
		this.clock = clock;
		this.waits = Timer.builder("gateway.upstream.throttle.wait")
			.description("Time RunComfy calls waited for the global rate limit or a 429 pause")
			.publishPercentileHistogram()
			.register(meters);
	}

	/**
	 * Blocks until a call may go out: no 429 pause in force, and a token taken from the
	 * global bucket.
	 */
	void acquire() throws InterruptedException {
		long started = System.nanoTime();
		Duration pause;
		while (!(pause = remainingPause()).isZero()) {
			Thread.sleep(pause.toMillis() + 1);
		}
		this.waiting.incrementAndGet();
		try {
			takeToken();
		}
		finally {
			this.waiting.decrementAndGet();
		}
		this.waits.record(Duration.ofNanos(System.nanoTime() - started));
	}

	private void takeToken() throws InterruptedException {
		this.local.lockInterruptibly();
		try {
			if (this.held > 0 && System.nanoTime() - this.heldUntil < 0) {
				this.held--;
				return;
			}
			int batch = Math.clamp(this.waiting.get(), 1, this.maxBatch);
			this.bucket.asBlocking().consume(batch);
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
	 * passed.
	 */
	void pauseFor(Duration retryAfter) {
		Instant until = this.clock.instant().plus(retryAfter);
		if (until.isAfter(this.pausedUntil)) {
			this.pausedUntil = until;
		}
		this.jdbc.sql("update upstream_pause set paused_until = greatest(paused_until, :until) where id = 1")
			.param("until", Timestamp.from(until))
			.update();
	}

	private Duration remainingPause() {
		Instant now = this.clock.instant();
		if (now.isAfter(this.pauseReadAt.plus(PAUSE_REFRESH))) {
			Instant shared = this.jdbc.sql("select paused_until from upstream_pause where id = 1")
				.query(Timestamp.class)
				.optional()
				.map(Timestamp::toInstant)
				.orElse(Instant.EPOCH);
			if (shared.isAfter(this.pausedUntil)) {
				this.pausedUntil = shared;
			}
			this.pauseReadAt = now;
		}
		return now.isBefore(this.pausedUntil) ? Duration.between(now, this.pausedUntil) : Duration.ZERO;
	}

}
