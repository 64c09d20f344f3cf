package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes finished deliveries (delivered or failed), their attempts and then their events
 * once they are older than {@code gateway.webhooks.retention}, every
 * {@code prune-interval}, in batches of {@code prune-batch-size} rows per short
 * transaction, so that no delete holds locks for long or produces one huge burst of dead
 * tuples; autovacuum reclaims the space as it goes. Pending deliveries are never touched.
 * Instances prune side by side: each batch locks its rows with {@code SKIP LOCKED}, so
 * two instances take different rows rather than waiting on each other.
 */
@Component
class WebhookRetention implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WebhookRetention.class);

	/** Rounds of batches one pass makes at most, so one pass cannot run for ever. */
	private static final int MAX_BATCHES_PER_PASS = 1000;

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final WebhookSettings settings;

	private final Clock clock;

	private volatile boolean running;

	/** Set while stopping, so that a pass under way ends after its current batch. */
	private volatile boolean stopping;

	private volatile Thread pruner;

	WebhookRetention(JdbcClient jdbc, TransactionTemplate transaction, WebhookSettings settings, Clock clock) {
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.settings = settings;
		this.clock = clock;
	}

	/** What one pass deleted. */
	record Pruned(int deliveries, int events) {
	}

	/** Deletes what is past retention now, batch by batch. */
	Pruned prune() {
		Instant cutoff = this.clock.instant().minus(this.settings.retention());
		int batch = this.settings.pruneBatchSize();
		int deliveries = 0;
		int events = 0;
		for (int round = 0; round < MAX_BATCHES_PER_PASS && !this.stopping; round++) {
			Integer deleted = this.transaction.execute((status) -> deleteDeliveries(cutoff, batch));
			deliveries += deleted;
			if (deleted < batch) {
				break;
			}
		}
		for (int round = 0; round < MAX_BATCHES_PER_PASS && !this.stopping; round++) {
			Integer deleted = this.transaction.execute((status) -> deleteEvents(cutoff, batch));
			events += deleted;
			if (deleted < batch) {
				break;
			}
		}
		return new Pruned(deliveries, events);
	}

	/**
	 * One batch of finished deliveries older than the cutoff, oldest first by the partial
	 * {@code webhook_deliveries_finished_idx} (which pending rows never enter); their
	 * attempts go with them ({@code on delete cascade}).
	 */
	private int deleteDeliveries(Instant cutoff, int batch) {
		return this.jdbc.sql("""
				delete from webhook_deliveries where id in (
				    select id from webhook_deliveries
				    where status <> 'pending' and finished_at < :cutoff
				    order by finished_at limit :batch
				    for update skip locked
				)
				""").param("cutoff", Timestamp.from(cutoff)).param("batch", batch).update();
	}

	/**
	 * One batch of events older than the cutoff that no delivery refers to any more (an
	 * old event with a delivery retried by hand stays until that delivery is pruned).
	 */
	private int deleteEvents(Instant cutoff, int batch) {
		return this.jdbc.sql("""
				delete from webhook_events where id in (
				    select e.id from webhook_events e
				    where e.created_at < :cutoff
				      and not exists (select 1 from webhook_deliveries d where d.event_id = e.id)
				    order by e.created_at limit :batch
				    for update skip locked
				)
				""").param("cutoff", Timestamp.from(cutoff)).param("batch", batch).update();
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
		this.stopping = false;
		this.pruner = Thread.ofVirtual().name("webhook-retention").start(this::pruneLoop);
	}

	@Override
	public synchronized void stop() {
		this.stopping = true;
		this.running = false;
		Thread thread = this.pruner;
		if (thread != null) {
			// Woken by unpark rather than an interrupt, which could close a pooled JDBC
			// connection in use; a batch under way ends by itself.
			LockSupport.unpark(thread);
			try {
				thread.join(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void pruneLoop() {
		while (this.running) {
			try {
				Pruned pruned = prune();
				if (pruned.deliveries() > 0 || pruned.events() > 0) {
					logger.info("Webhook retention deleted " + pruned.deliveries() + " deliveries and "
							+ pruned.events() + " events");
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Webhook retention failed; it tries again next interval: " + ex.getMessage());
			}
			long until = System.nanoTime() + this.settings.pruneInterval().toNanos();
			while (this.running && System.nanoTime() < until) {
				LockSupport.parkNanos(until - System.nanoTime());
			}
		}
	}

}
