package io.genjobs.gateway.catalog;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.catalog.CatalogStore.FetchedModel;
import io.genjobs.gateway.catalog.CatalogStore.SyncState;
import io.genjobs.gateway.common.WorkLoop;

/**
 * Keeps the catalog in step with RunComfy's: at start-up (in the background: start-up
 * never waits for RunComfy) and every {@code gateway.catalog.refresh-interval}, one
 * instance at a time (the {@code catalog_sync} lease) reads every page of
 * {@code GET /v1/models?include_schema=true} and stores the whole listing in one
 * transaction. A sync that fails anywhere writes nothing: the last good copy stands, and
 * the next try comes after a back-off (one minute, doubling, at most the refresh
 * interval). Every round also reloads the stored copy into {@link ModelCatalog} when any
 * instance's sync changed it, so all instances serve the same catalog.
 */
@Component
class CatalogSync extends WorkLoop {

	/** The most pages one sync reads: a listing that never ends is a failed sync. */
	static final int MAX_PAGES = 200;

	/** The most entries without a schema that one sync fetches one by one. */
	static final int MAX_SINGLE_FETCHES = 100;

	private static final int MAX_FAILURE_LENGTH = 500;

	private static final Duration FIRST_RETRY = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(CatalogSync.class);

	private final CatalogSettings settings;

	private final CatalogStore store;

	private final ModelCatalog catalog;

	private final ObjectProvider<CatalogSource> sources;

	private final CatalogMetrics metrics;

	private final String owner = instanceName();

	private volatile @Nullable SyncState state;

	private volatile long loadedVersion = -1;

	private volatile boolean started;

	CatalogSync(CatalogSettings settings, CatalogStore store, ModelCatalog catalog,
			ObjectProvider<CatalogSource> sources, CatalogMetrics metrics) {
		super("catalog-sync", Duration.ofSeconds(2));
		this.settings = settings;
		this.store = store;
		this.catalog = catalog;
		this.sources = sources;
		this.metrics = metrics;
		metrics.watch(this);
	}

	/**
	 * Serves the stored copy before anything else happens (a restart while RunComfy is
	 * away has it at once), then starts the loop, whose first round syncs.
	 */
	@Override
	public synchronized void start() {
		try {
			reload();
		}
		catch (RuntimeException ex) {
			logger.warn("The stored catalog could not be read at start-up; trying again in the background: "
					+ ex.getMessage());
		}
		super.start();
	}

	@Override
	protected Duration round() {
		CatalogSource source = this.sources.getIfAvailable();
		if (this.settings.syncs() && source != null) {
			// Every instance syncs once when it starts (the lease still lets only one at
			// a time), then whenever the shared due time has passed.
			boolean force = !this.started;
			if (this.store.claim(this.owner, this.settings.syncTimeout(), force)) {
				sync(source);
			}
		}
		this.started = true;
		reload();
		return this.settings.checkInterval();
	}

	/** The sync row as this instance last read it, {@code null} before the first read. */
	@Nullable SyncState state() {
		return this.state;
	}

	/** Runs one sync now, on the calling thread, if the lease is free (tests). */
	void syncNow() {
		CatalogSource source = this.sources.getIfAvailable();
		if (source != null && this.store.claim(this.owner, this.settings.syncTimeout(), true)) {
			sync(source);
		}
		reload();
	}

	private void sync(CatalogSource source) {
		long started = System.nanoTime();
		try {
			List<FetchedModel> models = fetchAll(source, started + this.settings.syncTimeout().toNanos());
			if (!this.store.recordListing(this.owner, models, this.settings.refreshInterval())) {
				logger.warn("Catalog sync took longer than gateway.catalog.sync-timeout (" + this.settings.syncTimeout()
						+ ") and lost its lease; nothing was written");
				this.metrics.failed();
				return;
			}
			this.metrics.succeeded();
			logger.info("Catalog synced from RunComfy: " + models.size() + " models in "
					+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
		}
		catch (RuntimeException ex) {
			SyncState last = this.state;
			int failures = ((last != null) ? last.consecutiveFailures() : 0) + 1;
			String failure = describe(ex);
			Duration retry = retryAfter(failures);
			this.metrics.failed();
			logger.warn("Catalog sync from RunComfy failed (" + failures + " in a row; next try in " + retry + "); "
					+ ((last != null && last.lastSuccessAt() != null)
							? "the copy synced at " + last.lastSuccessAt() + " stands"
							: "no synced copy yet: only the local model files are served")
					+ ": " + failure);
			try {
				this.store.recordFailure(this.owner, failure, retry);
			}
			catch (RuntimeException recording) {
				logger.warn("The failed catalog sync could not be recorded; its lease runs out by itself: "
						+ recording.getMessage());
			}
		}
	}

	private List<FetchedModel> fetchAll(CatalogSource source, long deadline) {
		Map<String, FetchedModel> byId = new LinkedHashMap<>();
		int[] singleFetches = { 0 };
		List<String> skipped = new ArrayList<>();
		int pageSize = this.settings.pageSize();
		int offset = 0;
		for (int page = 0;; page++) {
			if (page == MAX_PAGES) {
				throw new CatalogSyncException(
						"RunComfy's catalog did not end within " + MAX_PAGES + " pages of " + pageSize + " models");
			}
			checkDeadline(deadline);
			JsonNode body = source.page(pageSize, offset);
			JsonNode models = (body != null) ? body.get("models") : null;
			if (models == null || !models.isArray()) {
				throw new CatalogSyncException("RunComfy's answer to GET /v1/models has no \"models\" list");
			}
			for (JsonNode item : models) {
				accept(source, item, byId, singleFetches, skipped, deadline);
			}
			offset += models.size();
			JsonNode total = body.get("total");
			boolean hasTotal = total != null && total.isIntegralNumber() && total.canConvertToInt();
			if (models.isEmpty() || (hasTotal ? offset >= total.intValue() : models.size() < pageSize)) {
				break;
			}
		}
		if (!skipped.isEmpty()) {
			logger.warn("Catalog sync skipped " + skipped.size() + " entries RunComfy listed: "
					+ String.join("; ", skipped.subList(0, Math.min(10, skipped.size()))));
		}
		if (byId.isEmpty()) {
			// An empty catalog is far likelier a fault of RunComfy's than the truth;
			// taking
			// it would make every synced model unavailable.
			throw new CatalogSyncException("RunComfy listed no models");
		}
		return List.copyOf(byId.values());
	}

	private void accept(CatalogSource source, JsonNode item, Map<String, FetchedModel> byId, int[] singleFetches,
			List<String> skipped, long deadline) {
		JsonNode idNode = item.get("model_id");
		if (!item.isObject() || idNode == null || !idNode.isString()) {
			skipped.add("an entry without a model_id");
			return;
		}
		String id = idNode.stringValue();
		if (id.length() > 200 || !CatalogLoader.MODEL_ID.matcher(id).matches()) {
			skipped.add("'" + abbreviated(id) + "' is not a model id");
			return;
		}
		JsonNode kind = item.get("kind");
		if (kind != null && kind.isString() && !kind.stringValue().equals("model")) {
			// Not a hosted endpoint of the Model API (RunComfy marks those "model").
			return;
		}
		if (byId.containsKey(id)) {
			skipped.add("'" + id + "' is listed twice (the first is kept)");
			return;
		}
		JsonNode entry = item;
		if (!item.path("input_schema").isObject() && singleFetches[0] < MAX_SINGLE_FETCHES) {
			// Listed without its schema: GET /v1/models/{id} has it.
			checkDeadline(deadline);
			singleFetches[0]++;
			JsonNode one = source.model(id);
			if (one != null && one.isObject() && one.path("input_schema").isObject()) {
				entry = one;
			}
		}
		JsonNode inputSchema = entry.get("input_schema");
		byId.put(id, new FetchedModel(id, entry,
				ModelCatalog.schemaHash((inputSchema != null) ? inputSchema : NullNode.getInstance())));
	}

	private void checkDeadline(long deadline) {
		if (System.nanoTime() - deadline > 0) {
			throw new CatalogSyncException(
					"the sync took longer than gateway.catalog.sync-timeout (" + this.settings.syncTimeout() + ")");
		}
	}

	/** Reads the sync row, and the models when another sync changed them. */
	private void reload() {
		SyncState read = this.store.state();
		if (read.version() != this.loadedVersion) {
			List<CatalogEntry> entries = this.catalog.replaceSynced(this.store.models());
			this.loadedVersion = read.version();
			long unavailable = entries.stream().filter((entry) -> !entry.available()).count();
			logger.info("Model catalog: " + entries.size() + " models (" + unavailable + " unavailable), synced copy "
					+ ((read.lastSuccessAt() != null) ? "of " + read.lastSuccessAt() : "none yet"));
		}
		this.state = read;
	}

	private Duration retryAfter(int failures) {
		Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 10));
		return (backoff.compareTo(this.settings.refreshInterval()) < 0) ? backoff : this.settings.refreshInterval();
	}

	private static String describe(RuntimeException ex) {
		String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		return abbreviated(message);
	}

	private static String abbreviated(String text) {
		return (text.length() > MAX_FAILURE_LENGTH) ? text.substring(0, MAX_FAILURE_LENGTH - 1) + "\u2026" : text;
	}

	private static String instanceName() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "unknown-host";
		}
		return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** RunComfy's catalog answer cannot be used as a whole. */
	static final class CatalogSyncException extends RuntimeException {

		CatalogSyncException(String message) {
			super(message);
		}

	}

}
