package io.genjobs.gateway.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.catalog.ModelCatalog.StoredModel;

/**
 * The synced catalog in PostgreSQL: the models ({@code catalog_models}) and the one row
 * that coordinates syncing between instances ({@code catalog_sync}). Times come from the
 * database clock, so instances with skewed clocks agree on leases and due times.
 */
@Component
class CatalogStore {

	/**
	 * Takes the sync lease when nobody holds it (or its holder let it run out) and a sync
	 * is due ({@code next_sync_at} has passed) or forced (this instance just started).
	 * The conditional update is the lock: of two instances asking at once, one updates
	 * the row and the other finds the lease held.
	 */
	private static final String CLAIM = """
			update catalog_sync
			set lease_owner = :owner, lease_until = now() + cast(:lease as interval), last_attempt_at = now()
			where id = 1
			  and (lease_until is null or lease_until < now() or lease_owner = :owner)
			  and (:force or next_sync_at <= now())""";

	/** The lease, still this instance's, held for the writes that follow. */
	private static final String FENCE = """
			select 1 from catalog_sync
			where id = 1 and lease_owner = :owner and lease_until > now()
			for update""";

	/**
	 * Every model of the new listing, inserted or replaced, and listed again if it had
	 * been unlisted; one statement for the whole catalog, its entries as one JSON array.
	 */
	private static final String UPSERT = """
			insert into catalog_models (id, entry, schema_hash, fetched_at, listed, unlisted_at)
			select e ->> 'id', e -> 'entry', e ->> 'hash', now(), true, null
			from jsonb_array_elements(cast(:models as jsonb)) e
			on conflict (id) do update
			set entry = excluded.entry, schema_hash = excluded.schema_hash, fetched_at = excluded.fetched_at,
			    listed = true, unlisted_at = null""";

	/** Models the new listing lacks: kept, but no longer listed. */
	private static final String UNLIST = """
			update catalog_models set listed = false, unlisted_at = now()
			where listed and id not in (select e ->> 'id' from jsonb_array_elements(cast(:models as jsonb)) e)""";

	private static final String SUCCEEDED = """
			update catalog_sync
			set version = version + 1, last_success_at = now(), consecutive_failures = 0,
			    listed_models = :listed, next_sync_at = now() + cast(:next as interval),
			    lease_owner = null, lease_until = null
			where id = 1""";

	private static final String FAILED = """
			update catalog_sync
			set last_failure_at = now(), last_failure = :failure, consecutive_failures = consecutive_failures + 1,
			    next_sync_at = now() + cast(:next as interval), lease_owner = null, lease_until = null
			where id = 1 and lease_owner = :owner""";

	private static final String STATE = """
			select version, last_attempt_at, last_success_at, last_failure_at, last_failure, consecutive_failures,
			       listed_models, next_sync_at, now() as read_at
			from catalog_sync where id = 1""";

	private static final String MODELS = """
			select id, entry, schema_hash, fetched_at, listed, unlisted_at from catalog_models order by id""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	CatalogStore(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.json = json;
	}

	/**
	 * Takes the sync lease for {@code lease}, if a sync is due (or {@code force}) and no
	 * other instance holds it.
	 */
	boolean claim(String owner, Duration lease, boolean force) {
		return this.jdbc.sql(CLAIM)
			.param("owner", owner)
			.param("lease", interval(lease))
			.param("force", force)
			.update() == 1;
	}

	/**
	 * Writes a complete listing: every model in it, the others unlisted, the sync row's
	 * success and next due time; all in one transaction, and only while {@code owner}
	 * still holds the lease.
	 * @return whether it was written (false: the lease ran out and another instance may
	 * be syncing)
	 */
	boolean recordListing(String owner, List<FetchedModel> models, Duration nextSyncIn) {
		ArrayNode array = JsonNodeFactory.instance.arrayNode();
		for (FetchedModel model : models) {
			array.addObject().put("id", model.id()).put("hash", model.schemaHash()).set("entry", model.entry());
		}
		String modelsJson = this.json.writeValueAsString(array);
		Boolean written = this.transactions.execute((status) -> {
			if (this.jdbc.sql(FENCE).param("owner", owner).query().listOfRows().isEmpty()) {
				return false;
			}
			this.jdbc.sql(UPSERT).param("models", modelsJson).update();
			this.jdbc.sql(UNLIST).param("models", modelsJson).update();
			this.jdbc.sql(SUCCEEDED).param("listed", models.size()).param("next", interval(nextSyncIn)).update();
			return true;
		});
		return Boolean.TRUE.equals(written);
	}

	/**
	 * Records a failed sync and gives the lease back; the stored models stay as they are.
	 */
	void recordFailure(String owner, String failure, Duration nextSyncIn) {
		this.jdbc.sql(FAILED)
			.param("owner", owner)
			.param("failure", failure)
			.param("next", interval(nextSyncIn))
			.update();
	}

	SyncState state() {
		return this.jdbc.sql(STATE).query(CatalogStore::readState).single();
	}

	List<StoredModel> models() {
		return this.jdbc.sql(MODELS)
			.query((rs, row) -> new StoredModel(rs.getString("id"), this.json.readTree(rs.getString("entry")),
					rs.getString("schema_hash"), instant(rs, "fetched_at"), rs.getBoolean("listed"),
					instant(rs, "unlisted_at")))
			.list();
	}

	private static SyncState readState(ResultSet rs, int row) throws SQLException {
		return new SyncState(rs.getLong("version"), instant(rs, "last_attempt_at"), instant(rs, "last_success_at"),
				instant(rs, "last_failure_at"), rs.getString("last_failure"), rs.getInt("consecutive_failures"),
				rs.getInt("listed_models"), instant(rs, "next_sync_at"), instant(rs, "read_at"));
	}

	private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		// '-infinity' (never synced) reads as a far-past timestamp: no time at all.
		return (timestamp == null || timestamp.getTime() < 0) ? null : timestamp.toInstant();
	}

	private static String interval(Duration duration) {
		return Math.max(0, duration.toMillis()) + " milliseconds";
	}

	/** A model of a complete listing, ready to store. */
	record FetchedModel(String id, tools.jackson.databind.JsonNode entry, String schemaHash) {
	}

	/**
	 * The sync row as read, with the database's time of the read (to tell the catalog's
	 * age by the same clock).
	 */
	record SyncState(long version, @Nullable Instant lastAttemptAt, @Nullable Instant lastSuccessAt,
			@Nullable Instant lastFailureAt, @Nullable String lastFailure, int consecutiveFailures, int listedModels,
			@Nullable Instant nextSyncAt, Instant readAt) {

		/** How old the stored copy is, or {@code null} when no sync ever succeeded. */
		@Nullable Duration age() {
			return (this.lastSuccessAt != null) ? Duration.between(this.lastSuccessAt, this.readAt) : null;
		}

	}

}
