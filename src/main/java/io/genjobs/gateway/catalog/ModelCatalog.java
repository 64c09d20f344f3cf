package io.genjobs.gateway.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.catalog.CatalogEntry.Source;
import io.genjobs.gateway.catalog.CatalogLoader.LocalModel;
import io.genjobs.gateway.catalog.CatalogLoader.SyncedModel;
import io.genjobs.gateway.common.Digests;

/**
 * The models the gateway knows: the local model files that
 * {@code gateway.catalog.locations} matches, read at start-up (a file that cannot be read
 * or compiled, or a missing default model, stops start-up), and RunComfy's catalog as
 * {@link CatalogSync} stored it in PostgreSQL. A local file overrides (pins) the synced
 * entry with its id. A synced entry whose schema the gateway cannot honour, or that
 * RunComfy no longer lists, stays in the catalog as unavailable, with the reason.
 * <p>
 * Which models a team sees: those {@code gateway.catalog.enabled-models} enables and the
 * team's {@code allowed_models} allows. Reads never block; the synced part is replaced as
 * a whole.
 */
@Component
public class ModelCatalog {

	private static final Log logger = LogFactory.getLog(ModelCatalog.class);

	private static final JsonMapper canonical = JsonMapper.builder()
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.build();

	private final CatalogLoader loader = new CatalogLoader();

	private final Map<String, LocalModel> local;

	private final List<String> enabledModels;

	private final Instant loadedAt = Instant.now();

	private final Model defaultModel;

	private volatile Snapshot current;

	// The snapshot before the current one: a job validated while the catalog was
	// replaced still finds the compiled form of the model it read.
	private volatile Snapshot previous;

	ModelCatalog(CatalogSettings settings, ResourceLoader resourceLoader) {
		this.local = Map
			.copyOf(this.loader.load(settings, ResourcePatternUtils.getResourcePatternResolver(resourceLoader)));
		this.enabledModels = settings.enabledModels();
		this.defaultModel = this.local.get(settings.defaultModel()).compiled().model();
		this.current = build(List.of(), Map.of());
		this.previous = this.current;
	}

	/** Every usable model (available, enabled or not), in id order. */
	public List<Model> all() {
		return this.current.byId()
			.values()
			.stream()
			.filter((resolved) -> resolved.compiled() != null)
			.map((resolved) -> resolved.compiled().model())
			.toList();
	}

	/** A usable model by id, whether or not it is enabled for anyone. */
	public Optional<Model> find(String id) {
		return Optional.ofNullable(this.current.byId().get(id)).map(Resolved::compiled).map(CompiledModel::model);
	}

	/** The model of a job that names none ({@code gateway.catalog.default-model}). */
	public Model defaultModel() {
		return this.defaultModel;
	}

	/**
	 * The entries a team may see, available or not, in id order.
	 * @param teamAllowedModels the team's {@code allowed_models}, {@code null} for every
	 * enabled model
	 */
	public List<CatalogEntry> entries(@Nullable List<String> teamAllowedModels) {
		return this.current.entries().stream().filter((entry) -> visible(entry.id(), teamAllowedModels)).toList();
	}

	/**
	 * One entry a team may see, available or not; empty for an unknown model and for one
	 * that is not enabled, or not allowed to the team.
	 */
	public Optional<CatalogEntry> entry(String id, @Nullable List<String> teamAllowedModels) {
		Resolved resolved = this.current.byId().get(id);
		return (resolved != null && visible(id, teamAllowedModels)) ? Optional.of(resolved.entry()) : Optional.empty();
	}

	/** Every entry, enabled or not, in id order (metrics and health). */
	List<CatalogEntry> allEntries() {
		return this.current.entries();
	}

	private boolean visible(String id, @Nullable List<String> teamAllowedModels) {
		return ModelPatterns.anyMatches(this.enabledModels, id) && ModelPatterns.anyMatches(teamAllowedModels, id);
	}

	/**
	 * The compiled form of one of this catalog's models.
	 * @throws IllegalArgumentException for a model that is not from this catalog
	 */
	CompiledModel compiled(Model model) {
		for (Snapshot snapshot : new Snapshot[] { this.current, this.previous }) {
			Resolved resolved = snapshot.byId().get(model.id());
			if (resolved != null && resolved.compiled() != null && resolved.compiled().model().equals(model)) {
				return resolved.compiled();
			}
		}
		throw new IllegalArgumentException("Model '" + model.id() + "' is not from this catalog");
	}

	/**
	 * Replaces the synced part with what the database holds now. Entries whose JSON did
	 * not change keep their compiled form; each entry that becomes unavailable is logged
	 * once.
	 * @return the entries as served now
	 */
	synchronized List<CatalogEntry> replaceSynced(List<StoredModel> stored) {
		Map<String, Resolved> before = this.current.synced();
		Snapshot next = build(stored, before);
		this.previous = this.current;
		this.current = next;
		for (Resolved resolved : next.synced().values()) {
			Resolved earlier = before.get(resolved.entry().id());
			String reason = resolved.entry().unavailableReason();
			boolean wasUnavailable = earlier != null && earlier.entry().unavailableReason() != null;
			if (reason != null && !wasUnavailable && !this.local.containsKey(resolved.entry().id())) {
				logger.warn("Model '" + resolved.entry().id() + "' from RunComfy's catalog is unavailable: " + reason);
			}
		}
		return next.entries();
	}

	private Snapshot build(List<StoredModel> stored, Map<String, Resolved> before) {
		Map<String, Resolved> synced = new HashMap<>();
		for (StoredModel model : stored) {
			Resolved earlier = before.get(model.id());
			// An entry RunComfy sent again unchanged keeps its compiled form.
			boolean unchanged = earlier != null && earlier.stored() != null && earlier.stored().listed()
					&& model.listed() && earlier.stored().entry().equals(model.entry());
			synced.put(model.id(), resolve(model, unchanged ? earlier.compilation() : null));
		}
		Map<String, Resolved> byId = new TreeMap<>(synced);
		this.local.forEach((id, model) -> byId.put(id, pinned(model, synced.get(id))));
		List<CatalogEntry> entries = new ArrayList<>();
		byId.values().forEach((resolved) -> entries.add(resolved.entry()));
		return new Snapshot(Collections.unmodifiableMap(byId), Map.copyOf(synced), List.copyOf(entries));
	}

	private Resolved resolve(StoredModel stored, @Nullable SyncedModel earlier) {
		JsonNode entry = stored.entry();
		Listing listing = Listing.readLeniently(entry);
		SyncedModel compiled = !stored.listed() ? null
				: (earlier != null) ? earlier : this.loader.compileSynced(stored.id(), entry);
		String reason;
		if (!stored.listed()) {
			reason = "RunComfy no longer lists this model"
					+ ((stored.unlistedAt() != null) ? " (since " + stored.unlistedAt() + ")" : "");
		}
		else {
			reason = compiled.unavailableReason();
		}
		Model model = (compiled != null && compiled.compiled() != null) ? compiled.compiled().model() : null;
		JsonNode inputSchema = entry.path("input_schema");
		JsonNode outputSchema = entry.get("output_schema");
		CatalogEntry catalogEntry = new CatalogEntry(stored.id(),
				(listing.displayName() != null) ? listing.displayName() : stored.id(),
				entry.path("description").isString() ? entry.get("description").stringValue() : "",
				(listing.categories() != null) ? listing.categories() : List.of(), inputSchema,
				(outputSchema != null && outputSchema.isObject()) ? outputSchema : null, listing.basePriceUsd(),
				listing.priceUnit(), listing.pricingNote(), reason, Source.RUNCOMFY, stored.schemaHash(),
				stored.fetchedAt(), (reason == null) ? model : null);
		return new Resolved(catalogEntry, (reason == null && compiled != null) ? compiled.compiled() : null, stored,
				compiled);
	}

	private Resolved pinned(LocalModel local, @Nullable Resolved synced) {
		Model model = local.compiled().model();
		Listing fromSync = (synced != null && synced.stored() != null) ? Listing.readLeniently(synced.stored().entry())
				: Listing.NONE;
		Listing listing = local.listing().orElse(fromSync);
		CatalogEntry entry = new CatalogEntry(model.id(),
				(listing.displayName() != null) ? listing.displayName() : model.title(), model.description(),
				(listing.categories() != null) ? listing.categories() : List.of(), model.inputSchema(),
				model.outputSchema(), listing.basePriceUsd(), listing.priceUnit(), listing.pricingNote(), null,
				Source.LOCAL, schemaHash(model.inputSchema()), this.loadedAt, model);
		return new Resolved(entry, local.compiled(), null, null);
	}

	/** SHA-256 (hex) of an input schema in canonical form (members in key order). */
	static String schemaHash(JsonNode inputSchema) {
		Object plain = canonical.treeToValue(inputSchema, Object.class);
		return Digests.sha256Hex(canonical.writeValueAsString(plain));
	}

	/** One model as the synced catalog stores it. */
	record StoredModel(String id, JsonNode entry, String schemaHash, Instant fetchedAt, boolean listed,
			@Nullable Instant unlistedAt) {
	}

	/**
	 * An entry as served, with its compiled form when it is available, and for a synced
	 * entry what was stored and what compiling it gave.
	 */
	private record Resolved(CatalogEntry entry, @Nullable CompiledModel compiled, @Nullable StoredModel stored,
			@Nullable SyncedModel compilation) {
	}

	/**
	 * What the catalog serves at one moment: every entry by id (local ones over synced
	 * ones), the synced ones alone, and the entries in id order.
	 */
	private record Snapshot(Map<String, Resolved> byId, Map<String, Resolved> synced, List<CatalogEntry> entries) {
	}

}
