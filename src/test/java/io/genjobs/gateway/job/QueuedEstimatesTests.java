package io.genjobs.gateway.job;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queued-count estimate: read once, then again in the background while requests go on
 * with the one they have, with nothing this instance added dropped on the way.
 */
class QueuedEstimatesTests {

	private static final UUID TEAM = UUID.randomUUID();

	private final AtomicLong nanos = new AtomicLong();

	private final AtomicInteger queued = new AtomicInteger(100);

	private final AtomicInteger counts = new AtomicInteger();

	private volatile CountDownLatch countStarted = new CountDownLatch(0);

	private volatile CountDownLatch releaseCount = new CountDownLatch(0);

	private final QueuedEstimates estimates = new QueuedEstimates(this::count, Duration.ofMillis(250),
			Duration.ofSeconds(5), (task) -> Thread.ofVirtual().start(task), this.nanos::get);

	@Test
	void shouldCountOnceThenAddWhatThisInstanceAccepted() {
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(100);
		this.estimates.of(TEAM, 1000).add();
		this.estimates.of(TEAM, 1000).add();
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(102);
		assertThat(this.counts).hasValue(1);
	}

	@Test
	void shouldAnswerWithTheOldEstimateWhileANewCountIsRead() throws Exception {
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(100);
		this.estimates.of(TEAM, 1000).add();
		blockTheNextCount();
		this.queued.set(150);
		advance(Duration.ofMillis(300));
		// The refresh is due: this call starts it and answers at once with what it had.
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(101);
		assertThat(this.countStarted.await(5, TimeUnit.SECONDS)).isTrue();
		// Accepted while the count is read: kept in the new estimate.
		this.estimates.of(TEAM, 1000).add();
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(102);
		this.releaseCount.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.estimates.of(TEAM, 1000).current() == 151);
		assertThat(this.counts).hasValue(2);
	}

	@Test
	void shouldCountAgainBeforeAnsweringAfterAQuietSpell() {
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(100);
		this.queued.set(7);
		advance(Duration.ofSeconds(6));
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(7);
	}

	@Test
	void shouldKeepOneEstimatePerLimit() {
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(100);
		this.estimates.of(TEAM, 1000).add();
		// A team whose cap was changed starts from a count up to its new cap.
		assertThat(this.estimates.of(TEAM, 50).current()).isEqualTo(50);
		assertThat(this.estimates.of(TEAM, 1000).current()).isEqualTo(101);
	}

	private int count(UUID teamId, int limit) {
		this.counts.incrementAndGet();
		this.countStarted.countDown();
		try {
			this.releaseCount.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return Math.min(this.queued.get(), limit);
	}

	private void blockTheNextCount() {
		this.countStarted = new CountDownLatch(1);
		this.releaseCount = new CountDownLatch(1);
	}

	private void advance(Duration by) {
		this.nanos.addAndGet(by.toNanos());
	}

}
