package io.genjobs.gateway.catalog;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.catalog.CatalogStore.SyncState;

/**
 * The catalog's metrics, named in one place: {@code gateway.catalog.age} (seconds since
 * the stored copy was last synced, by any instance; NaN before the first sync),
 * {@code gateway.catalog.sync.failures} and {@code gateway.catalog.syncs} (this
 * instance's syncs), and {@code gateway.catalog.models} by {@code availability}
 * ({@code available}, {@code unavailable}) and {@code source} ({@code runcomfy},
 * {@code local}).
 */
@Component
class CatalogMetrics {

	private final MeterRegistry meters;

	private final ModelCatalog catalog;

	private final Counter failures;

	private final Counter successes;

	CatalogMetrics(MeterRegistry meters, ModelCatalog catalog) {
		this.meters = meters;
		this.catalog = catalog;
		this.failures = Counter.builder("gateway.catalog.sync.failures")
			.description("Catalog syncs from RunComfy that failed (the stored copy stood)")
			.register(meters);
		this.successes = Counter.builder("gateway.catalog.syncs")
			.description("Catalog syncs from RunComfy that stored a new copy")
			.register(meters);
		for (CatalogEntry.Source source : CatalogEntry.Source.values()) {
			for (boolean available : new boolean[] { true, false }) {
				Gauge.builder("gateway.catalog.models", this, (metrics) -> metrics.count(source, available))
					.description("Models in the catalog")
					.tag("source", source.wireName())
					.tag("availability", available ? "available" : "unavailable")
					.register(meters);
			}
		}
	}

	/** Registers the age gauge, read from the sync's last view of the sync row. */
	void watch(CatalogSync sync) {
		Gauge.builder("gateway.catalog.age", sync, CatalogMetrics::ageSeconds)
			.description("Seconds since the stored catalog was last synced from RunComfy")
			.baseUnit("seconds")
			.register(this.meters);
	}

	void failed() {
		this.failures.increment();
	}

	void succeeded() {
		this.successes.increment();
	}

	private double count(CatalogEntry.Source source, boolean available) {
		return this.catalog.allEntries()
			.stream()
			.filter((entry) -> entry.source() == source && entry.available() == available)
			.count();
	}

	static double ageSeconds(CatalogSync sync) {
		SyncState state = sync.state();
		Duration age = (state != null) ? state.age() : null;
		if (age == null) {
			return Double.NaN;
		}
		// The age when the row was read, plus the time since.
		return age.plus(Duration.between(state.readAt(), Instant.now()).abs()).toMillis() / 1000.0;
	}

}
