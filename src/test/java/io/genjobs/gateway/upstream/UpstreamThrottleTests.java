package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.genjobs.gateway.IntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The global RunComfy rate limit against the real PostgreSQL bucket, with two throttles
 * standing for two instances: many concurrent calls never get more than the limit allows,
 * and take their tokens in batches; a lone caller takes one token per call. A 429 pause
 * set by one holds the other back, by the database's clock, and a waiting call can give
 * up.
 */
@IntegrationTest
class UpstreamThrottleTests {

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcClient jdbc;

	@Test
	void shouldKeepTwoInstancesUnderTheLimitWhileBatchingTokensUnderLoad() throws Exception {
		int rate = 400;
		// Full buckets are spent first, so that the run measures the refill rate.
		UpstreamThrottle first = throttle(rate);
		UpstreamThrottle second = throttle(rate);
		AtomicInteger granted = new AtomicInteger();
		Duration run = Duration.ofMillis(1500);
		long started = System.nanoTime();
		long stopAt = started + run.toNanos();
		List<Future<?>> callers = new ArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 100; i++) {
				UpstreamThrottle throttle = (i % 2 == 0) ? first : second;
				callers.add(threads.submit(() -> {
					while (System.nanoTime() < stopAt) {
						throttle.acquire();
						granted.incrementAndGet();
					}
					return null;
				}));
			}
			for (Future<?> caller : callers) {
				caller.get();
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;

		// A token per call would allow a full bucket (rate) plus the refill: batching
		// must not allow more.
		assertThat(granted.get()).isLessThanOrEqualTo((int) (rate + rate * seconds));
		assertThat(granted.get()).isGreaterThan(rate);
		long takes = first.sharedTakes() + second.sharedTakes();
		assertThat(takes).isLessThan(granted.get() / 3);
	}

	@Test
	void shouldTakeOneTokenPerCallForALoneCaller() throws Exception {
		UpstreamThrottle throttle = throttle(1000);
		for (int i = 0; i < 20; i++) {
			throttle.acquire();
		}
		assertThat(throttle.sharedTakes()).isEqualTo(20);
	}

	@Test
	void shouldNotBatchAtRatesTooLowForIt() throws Exception {
		int rate = 10;
		UpstreamThrottle throttle = throttle(rate);
		AtomicInteger granted = new AtomicInteger();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 10; i++) {
				threads.submit(() -> {
					throttle.acquire();
					granted.incrementAndGet();
					return null;
				});
			}
		}
		assertThat(granted.get()).isEqualTo(10);
		assertThat(throttle.sharedTakes()).isEqualTo(10);
	}

	@Test
	void shouldHoldEveryInstanceBackForAPauseOneOfThemWasAskedFor() {
		UpstreamThrottle first = throttle(1000);
		UpstreamThrottle second = throttle(1000);
		try {
			assertThat(second.paused()).isFalse();
			first.pauseFor(Duration.ofSeconds(30));
			assertThat(first.paused()).isTrue();
			// The pause is kept by the database's clock, whatever the instances' clocks
			// say.
			assertThat(this.jdbc.sql("select extract(epoch from paused_until - now())::float8 from upstream_pause")
				.query(Double.class)
				.single()).isBetween(25.0, 30.0);
			await().atMost(Duration.ofSeconds(2)).until(second::paused);
			assertThat(second.remainingPause()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
			// A shorter pause asked for later does not cut the longer one short.
			second.pauseFor(Duration.ofSeconds(1));
			assertThat(second.remainingPause()).isGreaterThan(Duration.ofSeconds(25));
		}
		finally {
			liftPause();
		}
		await().atMost(Duration.ofSeconds(2)).until(() -> !first.paused() && !second.paused());
	}

	@Test
	void shouldTellACallWaitingForAPauseThatItStillWaitsSoThatItCanGiveUp() {
		UpstreamThrottle throttle = throttle(1000);
		AtomicInteger told = new AtomicInteger();
		try {
			throttle.pauseFor(Duration.ofMinutes(1));
			assertThatThrownBy(() -> throttle.acquire(() -> {
				if (told.incrementAndGet() == 3) {
					throw new IllegalStateException("not waiting any longer");
				}
			})).isInstanceOf(IllegalStateException.class).hasMessage("not waiting any longer");
			assertThat(throttle.sharedTakes()).isZero();
		}
		finally {
			liftPause();
		}
	}

	private void liftPause() {
		this.jdbc.sql("update upstream_pause set paused_until = 'epoch'").update();
	}

	private UpstreamThrottle throttle(int rate) {
		// The rate is the bucket's key: a fresh row per test, shared by the throttles
		// of one test like instances share it.
		this.jdbc.sql("delete from upstream_rate_buckets").update();
		UpstreamSettings settings = new UpstreamSettings(true, rate, 20, Duration.ofSeconds(2), Duration.ofSeconds(30),
				Duration.ofMinutes(30), false, Duration.ofMinutes(2), Duration.ofSeconds(30), 10,
				Duration.ofMillis(250), 100, Duration.ofMinutes(5), UpstreamSettings.PollStrategy.LEARNED,
				Duration.ofMillis(1500), Duration.ofMillis(500), Duration.ofSeconds(10));
		return new UpstreamThrottle(this.dataSource, this.jdbc, settings, new SimpleMeterRegistry());
	}

}
