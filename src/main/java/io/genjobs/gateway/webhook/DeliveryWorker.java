package io.genjobs.gateway.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.webhook.DeliveryQueue.Claim;

/**
 * This instance's share of webhook delivery. One virtual thread claims due deliveries
 * (whenever slots are free, and at once when this instance has just written new ones);
 * each claimed delivery is attempted on a virtual thread of its own, so a slow or dead
 * consumer holds its own threads up to the attempt timeout and nothing else: the claimer
 * never waits for an attempt. At most {@code max-concurrent-attempts} attempts are in
 * flight per instance.
 * <p>
 * On shutdown it stops claiming, lets attempts in flight end (each is bounded by the
 * attempt timeout) and hands back, unattempted, any claim it still holds.
 */
@Component
class DeliveryWorker implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DeliveryWorker.class);

	/** Beyond the attempt timeout, for recording the outcome. */
	private static final Duration STOP_GRACE = Duration.ofSeconds(2);

	private final DeliveryQueue queue;

	private final DeliveryAttempts attempts;

	private final TransactionTemplate transaction;

	private final WebhookSettings settings;

	private final Clock clock;

	private final Semaphore slots;

	/** Released to wake the claimer early; never more than one permit matters. */
	private final Semaphore wakeUps = new Semaphore(0);

	private final Map<UUID, Claim> inFlight = new ConcurrentHashMap<>();

	private final AtomicLong attemptThreads = new AtomicLong();

	private volatile boolean running;

	private volatile Thread claimer;

	DeliveryWorker(DeliveryQueue queue, DeliveryAttempts attempts, TransactionTemplate transaction,
			WebhookSettings settings, Clock clock) {
		this.queue = queue;
		this.attempts = attempts;
		this.transaction = transaction;
		this.settings = settings;
		this.clock = clock;
		this.slots = new Semaphore(settings.maxConcurrentAttempts());
	}

	/** New deliveries were committed on this instance: look for work now. */
	void wakeUp() {
		if (this.wakeUps.availablePermits() == 0) {
			this.wakeUps.release();
		}
	}

	@Override
	public boolean isAutoStartup() {
		return this.settings.enabled();
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.claimer = Thread.ofVirtual().name("webhook-claimer").start(this::claimLoop);
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		// Woken, not interrupted: an interrupt could close a pooled JDBC connection in
		// use.
		wakeUp();
		Thread thread = this.claimer;
		if (thread != null) {
			join(thread);
		}
		awaitAttempts();
		releaseUnfinished();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void claimLoop() {
		while (this.running) {
			boolean more = false;
			try {
				more = claimAndStart();
			}
			catch (RuntimeException ex) {
				// The database is unreachable, say: try again after the poll interval.
				logger.warn("Claiming webhook deliveries failed: " + ex.getMessage());
			}
			if (!more && !awaitWork()) {
				return;
			}
		}
	}

	/**
	 * Claims what fits into the free slots; whether the claim was full (more may wait).
	 */
	private boolean claimAndStart() {
		int free = Math.min(this.slots.availablePermits(), this.settings.batchSize());
		if (free == 0) {
			return false;
		}
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		List<Claim> claims = this.transaction.execute(
				(status) -> this.queue.claim(free, this.settings.maxConcurrentPerHost(), this.settings.lease(), now));
		for (Claim claim : claims) {
			// Never blocks: this thread alone takes slots, and it claimed no more than
			// were free.
			this.slots.acquireUninterruptibly();
			this.inFlight.put(claim.deliveryId(), claim);
			Thread.ofVirtual()
				.name("webhook-attempt-" + this.attemptThreads.incrementAndGet())
				.start(() -> runAttempt(claim));
		}
		return claims.size() == free;
	}

	private void runAttempt(Claim claim) {
		try {
			this.attempts.attempt(claim);
		}
		catch (RuntimeException ex) {
			// The outcome could not be recorded (the database is unreachable, say): the
			// claim stays as it is, and any instance takes the delivery over when its
			// lease runs out.
			logger.warn("Webhook delivery " + claim.deliveryId() + " attempt " + claim.attempt() + " failed: "
					+ ex.getMessage());
		}
		finally {
			this.inFlight.remove(claim.deliveryId());
			this.slots.release();
			wakeUp();
		}
	}

	/** Waits for a wake-up or the poll interval; {@code false} when stopping. */
	private boolean awaitWork() {
		try {
			this.wakeUps.tryAcquire(this.settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
			this.wakeUps.drainPermits();
			return this.running;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void awaitAttempts() {
		int all = this.settings.maxConcurrentAttempts();
		try {
			if (this.slots.tryAcquire(all, this.settings.timeout().plus(STOP_GRACE).toMillis(),
					TimeUnit.MILLISECONDS)) {
				this.slots.release(all);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void releaseUnfinished() {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		for (Claim claim : List.copyOf(this.inFlight.values())) {
			try {
				this.transaction
					.executeWithoutResult((status) -> this.queue.release(claim.deliveryId(), claim.token(), now));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not hand back webhook delivery " + claim.deliveryId()
						+ "; it is taken over when its lease runs out: " + ex.getMessage());
			}
		}
		this.inFlight.clear();
	}

	private static void join(Thread thread) {
		try {
			thread.join(Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
