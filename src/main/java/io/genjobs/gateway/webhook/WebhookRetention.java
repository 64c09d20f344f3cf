package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.WorkLoop;

/**
 * Deletes finished deliveries (delivered or failed), their attempts and then their events
 * once they are older than {@code gateway.webhooks.retention}, every
 * {@code prune-interval}, in batches of {@code prune-batch-size} rows per short
 * transaction, so that no delete holds locks for long or produces one huge burst of dead
 * tuples; autovacuum reclaims the space as it goes. Pending deliveries are never touched.
 * Instances prune side by side: each batch locks its rows with {@code SKIP LOCKED}, so
 * two instances take different rows rather than waiting on each other. A
 * {@link WorkLoop}: one pass a round.
 */
@Component
class WebhookRetention extends WorkLoop {

	private static final Log logger = LogFactory.getLog(WebhookRetention.class);

	/** Rounds of batches one pass makes at most, so one pass cannot run for ever. */
	private static final int MAX_BATCHES_PER_PASS = 1000;

	/** A batch under way when stopping ends by itself; this bounds the wait for it. */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final WebhookSettings settings;

	private final Clock clock;

	WebhookRetention(JdbcClient jdbc, TransactionTemplate transaction, WebhookSettings settings, Clock clock) {
		super("webhook-retention", STOP_TIMEOUT);
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
		return prune(() -> true);
	}

	/**
	 * Deletes what is past retention now, batch by batch while {@code goOn} holds (a pass
	 * under way when the gateway stops ends after its current batch).
	 */
	private Pruned prune(BooleanSupplier goOn) {
		Instant cutoff = this.clock.instant().minus(this.settings.retention());
		int batch = this.settings.pruneBatchSize();
		int deliveries = inBatches(() -> deleteDeliveries(cutoff, batch), batch, goOn);
		int events = inBatches(() -> deleteEvents(cutoff, batch), batch, goOn);
		return new Pruned(deliveries, events);
	}

	/**
	 * Runs {@code deleteBatch} in a transaction of its own until a batch deletes fewer
	 * than {@code batch} rows; answers how many it deleted.
	 */
	private int inBatches(IntSupplier deleteBatch, int batch, BooleanSupplier goOn) {
		int total = 0;
		for (int round = 0; round < MAX_BATCHES_PER_PASS && goOn.getAsBoolean(); round++) {
			Integer deleted = this.transaction.execute((status) -> deleteBatch.getAsInt());
			total += deleted;
			if (deleted < batch) {
				break;
			}
		}
		return total;
	}

	/**
	 * One batch of finished deliveries older than the cutoff, oldest first by the partial
	 * {@code webhook_deliveries_finished_idx} (which pending rows never enter); their
	 * attempts go with them ({@code on delete cascade}).
	 */
	private int deleteDeliveries(Instant cutoff, int batch) {
		return this.jdbc.sql(DeliveryState.inSql("""
				delete from webhook_deliveries where id in (
				    select id from webhook_deliveries
				    where status <> {pending} and finished_at < :cutoff
				    order by finished_at limit :batch
				    for update skip locked
				)
				""")).param("cutoff", Timestamp.from(cutoff)).param("batch", batch).update();
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
	protected boolean enabled() {
		return this.settings.enabled();
	}

	/** One pass, then the prune interval. */
	@Override
	protected Duration round() {
		Pruned pruned = prune(this::accepting);
		if (pruned.deliveries() > 0 || pruned.events() > 0) {
			logger.info("Webhook retention deleted " + pruned.deliveries() + " deliveries and " + pruned.events()
					+ " events");
		}
		return this.settings.pruneInterval();
	}

	@Override
	protected Duration afterFailure(RuntimeException ex) {
		logger.warn("Webhook retention failed; it tries again next interval: " + ex.getMessage());
		return this.settings.pruneInterval();
	}

}
