package io.genjobs.gateway.common;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkLoopTests {

	@Test
	void runsRoundsAfterTheWaitEachRoundAsksFor() throws InterruptedException {
		CountDownLatch rounds = new CountDownLatch(3);
		TestLoop loop = new TestLoop(Duration.ofSeconds(1)) {
			@Override
			protected Duration round() {
				rounds.countDown();
				return Duration.ofMillis(20);
			}
		};
		loop.start();
		try {
			assertThat(rounds.await(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			loop.stop();
		}
	}

	@Test
	void aWakeUpCutsTheWaitShort() throws InterruptedException {
		AtomicInteger rounds = new AtomicInteger();
		TestLoop loop = new TestLoop(Duration.ofSeconds(1)) {
			@Override
			protected Duration round() {
				rounds.incrementAndGet();
				return Duration.ofHours(1);
			}
		};
		loop.start();
		try {
			awaitCount(rounds, 1);
			loop.wake();
			awaitCount(rounds, 2);
			assertThat(rounds.get()).isEqualTo(2);
		}
		finally {
			loop.stop();
		}
	}

	@Test
	void aFailedRoundIsRetriedAfterTheFailureDelay() throws InterruptedException {
		AtomicInteger rounds = new AtomicInteger();
		TestLoop loop = new TestLoop(Duration.ofSeconds(1)) {
			@Override
			protected Duration round() {
				if (rounds.incrementAndGet() == 1) {
					throw new IllegalStateException("database away");
				}
				return Duration.ofHours(1);
			}

			@Override
			protected Duration afterFailure(RuntimeException ex) {
				return Duration.ofMillis(10);
			}
		};
		loop.start();
		try {
			awaitCount(rounds, 2);
		}
		finally {
			loop.stop();
		}
	}

	@Test
	void stoppingLetsWorkInHandFinishThenReleasesWhatIsHeld() throws InterruptedException {
		List<String> events = new CopyOnWriteArrayList<>();
		CountDownLatch started = new CountDownLatch(1);
		TestLoop loop = new TestLoop(Duration.ofSeconds(5)) {
			@Override
			protected Duration round() {
				if (events.isEmpty()) {
					events.add("claimed");
					execute(() -> {
						started.countDown();
						sleep(200);
						events.add("finished, accepting=" + accepting());
					});
				}
				return Duration.ofHours(1);
			}

			@Override
			protected void releaseHeld() {
				events.add("released");
			}
		};
		loop.start();
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		loop.stop();
		assertThat(events).containsExactly("claimed", "finished, accepting=false", "released");
		assertThat(loop.isRunning()).isFalse();
	}

	@Test
	void workStillRunningAfterTheDrainTimeoutIsInterruptedAndTheStopStaysBounded() throws InterruptedException {
		AtomicBoolean interrupted = new AtomicBoolean();
		CountDownLatch started = new CountDownLatch(1);
		TestLoop loop = new TestLoop(Duration.ofMillis(200)) {
			@Override
			protected Duration round() {
				if (started.getCount() > 0) {
					execute(() -> {
						started.countDown();
						try {
							Thread.sleep(Duration.ofMinutes(5));
						}
						catch (InterruptedException ex) {
							interrupted.set(true);
						}
					});
				}
				return Duration.ofHours(1);
			}
		};
		loop.start();
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		long begin = System.nanoTime();
		loop.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(3));
		assertThat(interrupted).isTrue();
	}

	@Test
	void loopsStopInParallelThroughTheAsynchronousStop() throws InterruptedException {
		List<TestLoop> loops = List.of(slowToDrain(), slowToDrain(), slowToDrain());
		loops.forEach(TestLoop::start);
		CountDownLatch stopped = new CountDownLatch(loops.size());
		long begin = System.nanoTime();
		loops.forEach((loop) -> loop.stop(stopped::countDown));
		assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
		// Each takes about 400 ms to drain; one after another they would take 1.2 s.
		assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(1000));
	}

	@Test
	void aDisabledLoopDoesNotStart() {
		TestLoop loop = new TestLoop(Duration.ofSeconds(1)) {
			@Override
			protected Duration round() {
				throw new AssertionError("must not run");
			}

			@Override
			protected boolean enabled() {
				return false;
			}
		};
		loop.start();
		assertThat(loop.isRunning()).isFalse();
		assertThat(loop.isAutoStartup()).isFalse();
		loop.stop();
	}

	@Test
	void onStoppingUnblocksARoundThatWaitsOnSomethingElse() throws InterruptedException {
		CountDownLatch blocker = new CountDownLatch(1);
		CountDownLatch inRound = new CountDownLatch(1);
		TestLoop loop = new TestLoop(Duration.ofSeconds(5)) {
			@Override
			protected Duration round() throws InterruptedException {
				inRound.countDown();
				blocker.await();
				return Duration.ZERO;
			}

			@Override
			protected void onStopping() {
				blocker.countDown();
			}
		};
		loop.start();
		assertThat(inRound.await(5, TimeUnit.SECONDS)).isTrue();
		long begin = System.nanoTime();
		loop.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(2));
	}

	private static TestLoop slowToDrain() {
		return new TestLoop(Duration.ofSeconds(5)) {
			private boolean handed;

			@Override
			protected Duration round() {
				if (!this.handed) {
					this.handed = true;
					execute(() -> sleep(400));
				}
				return Duration.ofHours(1);
			}
		};
	}

	private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (count.get() < expected && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(count.get()).isGreaterThanOrEqualTo(expected);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private abstract static class TestLoop extends WorkLoop {

		TestLoop(Duration drainTimeout) {
			super("test-loop", drainTimeout);
		}

	}

}
