package io.genjobs.gateway.common;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The one way the gateway runs background work (dispatch, polling, webhook delivery,
 * retention, change listeners): a loop on a virtual thread that runs {@link #round()}
 * again after the wait the round asks for, or at once when {@link #wake()} is called, and
 * hands units of work to virtual threads of their own ({@link #execute}).
 * <p>
 * Stopping is bounded and runs in parallel with every other loop (Spring's asynchronous
 * {@link #stop(Runnable)}): the loop stops taking work ({@link #accepting()} turns false,
 * {@link #onStopping()} lets a blocked round return), what is in hand gets
 * {@code drainTimeout} to finish, then {@link #releaseHeld()} gives back the rest.
 * <p>
 * Interrupt policy: the loop thread is never interrupted, only woken (an interrupt during
 * a JDBC call closes the pooled connection's socket); units of work are interrupted only
 * once {@code drainTimeout} has passed.
 */
public abstract class WorkLoop implements SmartLifecycle {

	private static final Duration DEFAULT_FAILURE_DELAY = Duration.ofSeconds(1);

	private final Log logger = LogFactory.getLog(getClass());

	private final String name;

	private final Duration drainTimeout;

	private final Semaphore wakeUps = new Semaphore(0);

	private volatile ExecutorService workers;

	private volatile Thread loop;

	private volatile boolean running;

	protected WorkLoop(String name, Duration drainTimeout) {
		this.name = name;
		this.drainTimeout = drainTimeout;
	}

	/**
	 * One round: look for work, do it or hand it to {@link #execute}. Answers how long to
	 * wait before the next round ({@link Duration#ZERO}: at once); {@link #wake()} cuts
	 * the wait short.
	 */
	protected abstract Duration round() throws InterruptedException;

	/**
	 * How long to wait after a round failed (the database is away, say); the failure is
	 * logged first.
	 */
	protected Duration afterFailure(RuntimeException ex) {
		this.logger.warn(this.name + " round failed; trying again shortly: " + ex.getMessage());
		return DEFAULT_FAILURE_DELAY;
	}

	/** Whether this instance runs the loop at all. */
	protected boolean enabled() {
		return true;
	}

	/**
	 * Called once stopping began, before the loop is waited for: unblock a round that
	 * waits on something other than {@link #pause} (a listening connection, say).
	 */
	protected void onStopping() {
	}

	/** Gives back whatever work this instance claimed but did not finish. */
	protected void releaseHeld() {
	}

	/** Runs a unit of work on a virtual thread of its own. */
	protected final void execute(Runnable work) {
		this.workers.execute(work);
	}

	/**
	 * Whether the loop takes work (false once stopping began: wrap up what is in hand).
	 */
	protected final boolean accepting() {
		return this.running;
	}

	/**
	 * Waits up to {@code wait}, or until {@link #wake()} or stopping. Answers whether the
	 * loop still runs.
	 */
	protected final boolean pause(Duration wait) {
		if (wait.isPositive() && this.running) {
			try {
				this.wakeUps.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		this.wakeUps.drainPermits();
		return this.running;
	}

	/** Starts a round now instead of after the current wait. */
	public final void wake() {
		if (this.wakeUps.availablePermits() == 0) {
			this.wakeUps.release();
		}
	}

	@Override
	public boolean isAutoStartup() {
		return enabled();
	}

	@Override
	public synchronized void start() {
		if (!enabled() || this.running) {
			return;
		}
		this.running = true;
		this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(this.name + "-", 0).factory());
		this.loop = Thread.ofVirtual().name(this.name).start(this::run);
	}

	private void run() {
		while (this.running) {
			Duration wait;
			try {
				wait = round();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				wait = afterFailure(ex);
			}
			if (!pause(wait)) {
				return;
			}
		}
	}

	/** Stops on the calling thread, within about twice {@code drainTimeout}. */
	@Override
	public void stop() {
		Thread loopThread;
		ExecutorService workerThreads;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			loopThread = this.loop;
			workerThreads = this.workers;
		}
		this.wakeUps.release();
		try {
			onStopping();
			long deadline = System.nanoTime() + this.drainTimeout.toNanos();
			loopThread.join(this.drainTimeout);
			workerThreads.shutdown();
			long left = Math.max(0, deadline - System.nanoTime());
			if (!workerThreads.awaitTermination(left, TimeUnit.NANOSECONDS)) {
				this.logger.warn(this.name + ": work still running after " + this.drainTimeout.toSeconds()
						+ " s is interrupted and handed back");
				workerThreads.shutdownNow();
				workerThreads.awaitTermination(1, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			try {
				releaseHeld();
			}
			catch (RuntimeException ex) {
				this.logger.warn(this.name + ": could not hand back held work; it is taken over when its"
						+ " lease runs out: " + ex.getMessage());
			}
		}
	}

	/**
	 * Stops on a thread of its own, so that Spring stops every loop of one phase at the
	 * same time (within {@code spring.lifecycle.timeout-per-shutdown-phase}) rather than
	 * one after another.
	 */
	@Override
	public void stop(Runnable callback) {
		Thread.ofVirtual().name(this.name + "-stop").start(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		});
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops among the first lifecycles, while the database pool (closed only after every
	 * lifecycle stopped) can still record what is handed back.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
