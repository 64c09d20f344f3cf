package io.genjobs.gateway.upstream;

import java.time.Clock;
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

/**
 * The global RunComfy rate limit against the real PostgreSQL bucket, with two throttles
 * standing for two instances: many concurrent calls never get more than the limit allows,
 * and take their tokens in batches; a lone caller takes one token per call.
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

	private UpstreamThrottle throttle(int rate) {
		// The rate is the bucket's key: a fresh row per test, shared by the throttles
		// of one test like instances share it.
		this.jdbc.sql("delete from upstream_rate_buckets").update();
		UpstreamSettings settings = new UpstreamSettings(true, rate, 20, Duration.ofSeconds(2), Duration.ofSeconds(30),
				Duration.ofMinutes(30), false, Duration.ofMinutes(2), Duration.ofSeconds(30), 10,
				Duration.ofMillis(250), 100);
		return new UpstreamThrottle(this.dataSource, this.jdbc, settings, Clock.systemUTC(), new SimpleMeterRegistry());
	}

}
