package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * A background loop on a virtual thread: runs {@link #round()} every {@code interval} or
 * as soon as {@link #wake()} is called, hands units of work to virtual threads, and on
 * shutdown stops taking work, lets what is in hand finish for a while, then
 * {@link #releaseHeld() releases} the rest.
 */
abstract class WorkLoop implements SmartLifecycle {

	private final Log logger = LogFactory.getLog(getClass());

	private final String name;

	private final Duration interval;

	private final Duration drainTimeout;

	private final Semaphore wakeUps = new Semaphore(0);

	private ExecutorService workers;

	private Thread loop;

	private volatile boolean running;

	WorkLoop(String name, Duration interval, Duration drainTimeout) {
		this.name = name;
		this.interval = interval;
		this.drainTimeout = drainTimeout;
	}

	/** One round: look for work and hand it to {@link #execute}. */
	abstract void round() throws InterruptedException;

	/** Gives back whatever work this instance claimed but did not start. */
	abstract void releaseHeld();

	/** Whether this instance takes work at all. */
	abstract boolean enabled();

	/** Runs a unit of work on its own virtual thread. */
	final void execute(Runnable work) {
		this.workers.execute(work);
	}

	/**
	 * Whether the loop is running (false once shutdown began: in-hand work should wrap
	 * up).
	 */
	final boolean accepting() {
		return this.running;
	}

	/** Starts a round now instead of at the next interval. */
	final void wake() {
		if (this.wakeUps.availablePermits() == 0) {
			this.wakeUps.release();
		}
	}

	@Override
	public void start() {
		if (!enabled() || this.running) {
			return;
		}
		this.running = true;
		this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(this.name + "-", 0).factory());
		this.loop = Thread.ofVirtual().name(this.name).start(this::run);
	}

	private void run() {
		while (this.running) {
			try {
				round();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				this.logger.warn(this.name + " round failed; trying again shortly", ex);
			}
			try {
				this.wakeUps.tryAcquire(this.interval.toMillis(), TimeUnit.MILLISECONDS);
				this.wakeUps.drainPermits();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		// Woken, not interrupted: an interrupt during a JDBC call closes the connection's
		// socket.
		this.wakeUps.release();
		try {
			this.loop.join(this.drainTimeout.toMillis());
			this.workers.shutdown();
			if (!this.workers.awaitTermination(this.drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.workers.shutdownNow();
				this.workers.awaitTermination(1, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			releaseHeld();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops among the first lifecycles, while the database pool (closed only after every
	 * lifecycle stopped) can still record the release.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
