package io.genjobs.gateway.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.webhook.DeliveryQueue.Claim;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's scheduling, with the queue and the attempts replaced by fakes: slots,
 * claims that never wait for attempts, and what a stopping instance does with what it
 * holds.
 */
class DeliveryWorkerTests {

	private final FakeQueue queue = new FakeQueue();

	private final FakeAttempts attempts = new FakeAttempts();

	private final DeliveryWorker worker = new DeliveryWorker(this.queue, this.attempts, new DirectTransactions(),
			settings(), Clock.systemUTC());

	@Test
	void runsAtMostMaxConcurrentAttemptsAndClaimsMoreAsSlotsFree() throws Exception {
		Claim first = this.queue.add();
		Claim second = this.queue.add();
		Claim third = this.queue.add();
		this.worker.start();
		try {
			this.attempts.awaitStarted(first, second);
			Thread.sleep(200);
			// Both slots taken and no third attempt: the two start concurrently, in
			// either order.
			assertThat(this.attempts.started).containsExactlyInAnyOrder(first.deliveryId(), second.deliveryId());

			this.attempts.finish(first);
			this.attempts.awaitStarted(third);
		}
		finally {
			this.attempts.finishAll();
			this.worker.stop();
		}
		assertThat(this.queue.released).isEmpty();
	}

	@Test
	void stoppingLetsAttemptsInFlightEndAndHandsBackOnlyWhatOutlastsTheTimeout() throws Exception {
		Claim quick = this.queue.add();
		Claim stuck = this.queue.add();
		this.worker.start();
		this.attempts.awaitStarted(quick, stuck);
		Thread.ofVirtual().start(() -> {
			sleep(300);
			this.attempts.finish(quick);
		});

		long start = System.nanoTime();
		this.worker.stop();
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		assertThat(this.worker.isRunning()).isFalse();
		// Waited for the attempts (timeout 200 ms + 2 s of grace), then gave back the one
		// still stuck, unattempted, for any instance to take.
		assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(5));
		assertThat(this.queue.released).containsExactly(stuck.deliveryId());
		this.attempts.finishAll();
		int claimsBefore = this.queue.claims;
		Thread.sleep(100);
		assertThat(this.queue.claims).isEqualTo(claimsBefore);
	}

	private static WebhookSettings settings() {
		return new WebhookSettings(true, RetrySchedule.parse("1s"), 0.1, Duration.ofMillis(200), Duration.ofMillis(20),
				Duration.ofSeconds(5), 2, 8, 32, Duration.ofHours(24), Duration.ofDays(30), Duration.ofHours(1), 1000,
				20);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Hands out the claims it was given, as many as asked for; records releases. */
	private static final class FakeQueue extends DeliveryQueue {

		private final Deque<Claim> due = new ArrayDeque<>();

		private final List<UUID> released = new CopyOnWriteArrayList<>();

		private volatile int claims;

		FakeQueue() {
			super(null);
		}

		synchronized Claim add() {
			Claim claim = new Claim(UUID.randomUUID(), UUID.randomUUID(), "msg_test", UUID.randomUUID(), null,
					"http://consumer.invalid/hook", 1, 4);
			this.due.add(claim);
			return claim;
		}

		@Override
		synchronized List<Claim> claim(int limit, int perHost, Duration lease, Instant now) {
			this.claims++;
			List<Claim> taken = new ArrayList<>();
			while (taken.size() < limit && !this.due.isEmpty()) {
				taken.add(this.due.poll());
			}
			return taken;
		}

		@Override
		void release(UUID deliveryId, UUID token, Instant now) {
			this.released.add(deliveryId);
		}

	}

	/** Attempts that last until the test finishes them. */
	private static final class FakeAttempts extends DeliveryAttempts {

		private final List<UUID> started = new CopyOnWriteArrayList<>();

		private final Map<UUID, CountDownLatch> running = new ConcurrentHashMap<>();

		FakeAttempts() {
			super(null, null, null, null, null, null, null, null, null);
		}

		@Override
		void attempt(Claim claim) {
			CountDownLatch done = this.running.computeIfAbsent(claim.deliveryId(), (id) -> new CountDownLatch(1));
			this.started.add(claim.deliveryId());
			try {
				done.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void awaitStarted(Claim... claims) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			for (Claim claim : claims) {
				while (!this.started.contains(claim.deliveryId())) {
					assertThat(System.nanoTime()).as("attempt of %s started", claim.deliveryId()).isLessThan(deadline);
					Thread.sleep(10);
				}
			}
		}

		void finish(Claim claim) {
			this.running.computeIfAbsent(claim.deliveryId(), (id) -> new CountDownLatch(1)).countDown();
		}

		void finishAll() {
			this.running.values().forEach(CountDownLatch::countDown);
		}

	}

	/** Runs the callback at once, without a transaction manager. */
	private static final class DirectTransactions extends TransactionTemplate {

		@Override
		public <T> T execute(TransactionCallback<T> action) {
			return action.doInTransaction(null);
		}

	}

}
