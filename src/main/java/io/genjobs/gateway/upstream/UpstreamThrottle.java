package io.genjobs.gateway.upstream;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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
 * pause is one row in {@code upstream_pause}. The bucket's key is the configured rate, so
 * instances started with another rate do not share (and corrupt) its state.
 */
@Component
class UpstreamThrottle {

	/**
	 * How long this instance trusts its copy of the shared pause before reading it again.
	 */
	private static final Duration PAUSE_REFRESH = Duration.ofMillis(250);

	private final Bucket bucket;

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
		BucketConfiguration configuration = BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)))
			.build();
		this.bucket = buckets.builder().build((long) rate, () -> configuration);
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
		this.bucket.asBlocking().consume(1);
		this.waits.record(Duration.ofNanos(System.nanoTime() - started));
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
