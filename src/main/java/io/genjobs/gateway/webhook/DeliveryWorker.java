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

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.webhook.DeliveryQueue.Claim;

/**
 * This instance's share of webhook delivery, a {@link WorkLoop}. Each round claims due
 * deliveries (whenever slots are free, and at once when this instance has just written
 * new ones: {@link #wake()}); each claimed delivery is attempted on a virtual thread of
 * its own, so a slow or dead consumer holds its own threads up to the attempt timeout and
 * nothing else: the claimer never waits for an attempt. At most
 * {@code max-concurrent-attempts} attempts are in flight per instance.
 * <p>
 * On shutdown it stops claiming, lets attempts in flight end (each is bounded by the
 * attempt timeout) and hands back, unattempted, any claim it still holds.
 */
@Component
class DeliveryWorker extends WorkLoop {

	private static final Log logger = LogFactory.getLog(DeliveryWorker.class);

	/** Beyond the attempt timeout, for recording the outcome. */
	private static final Duration STOP_GRACE = Duration.ofSeconds(2);

	private final DeliveryQueue queue;

	private final DeliveryAttempts attempts;

	private final TransactionTemplate transaction;

	private final WebhookSettings settings;

	private final Clock clock;

	private final Semaphore slots;

	private final Map<UUID, Claim> inFlight = new ConcurrentHashMap<>();

	DeliveryWorker(DeliveryQueue queue, DeliveryAttempts attempts, TransactionTemplate transaction,
			WebhookSettings settings, Clock clock) {
		super("webhook-delivery", settings.timeout().plus(STOP_GRACE));
		this.queue = queue;
		this.attempts = attempts;
		this.transaction = transaction;
		this.settings = settings;
		this.clock = clock;
		this.slots = new Semaphore(settings.maxConcurrentAttempts());
	}

	@Override
	protected boolean enabled() {
		return this.settings.enabled();
	}

	/**
	 * Claims what fits into the free slots; again at once when the claim was full (more
	 * may wait), otherwise after the poll interval or when an attempt ends.
	 */
	@Override
	protected Duration round() {
		int free = Math.min(this.slots.availablePermits(), this.settings.batchSize());
		if (free == 0) {
			return this.settings.pollInterval();
		}
		Instant now = now();
		List<Claim> claims = this.transaction.execute(
				(status) -> this.queue.claim(free, this.settings.maxConcurrentPerHost(), this.settings.lease(), now));
		// Held before any attempt starts, so that a claim this round cannot start (the
		// gateway is stopping) is handed back.
		claims.forEach((claim) -> this.inFlight.put(claim.deliveryId(), claim));
		for (Claim claim : claims) {
			// Never blocks: this thread alone takes slots, and it claimed no more than
			// were free.
			this.slots.acquireUninterruptibly();
			execute(() -> runAttempt(claim));
		}
		return (claims.size() == free) ? Duration.ZERO : this.settings.pollInterval();
	}

	/** The database is unreachable, say: try again after the poll interval. */
	@Override
	protected Duration afterFailure(RuntimeException ex) {
		logger.warn("Claiming webhook deliveries failed: " + ex.getMessage());
		return this.settings.pollInterval();
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
			// Interrupted: the gateway is stopping and the attempt outlasted the wait for
			// it. The claim stays held, for releaseHeld to hand back.
			if (!Thread.currentThread().isInterrupted()) {
				this.inFlight.remove(claim.deliveryId());
			}
			this.slots.release();
			wake();
		}
	}

	/** Hands back, unattempted, the claims whose attempts did not end. */
	@Override
	protected void releaseHeld() {
		Instant now = now();
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

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

}
