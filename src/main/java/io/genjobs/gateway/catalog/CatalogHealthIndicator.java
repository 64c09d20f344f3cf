package io.genjobs.gateway.catalog;

import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.catalog.CatalogStore.SyncState;

/**
 * The catalog in health ({@code catalog}): always {@code UP}, because jobs for the models
 * the catalog has are accepted whatever RunComfy's catalog does; the details say how old
 * the synced copy is, how many models there are and how many are unavailable, and the
 * last failure.
 */
@Component
class CatalogHealthIndicator implements HealthIndicator {

	private final CatalogSync sync;

	private final ModelCatalog catalog;

	CatalogHealthIndicator(CatalogSync sync, ModelCatalog catalog) {
		this.sync = sync;
		this.catalog = catalog;
	}

	@Override
	public Health health() {
		List<CatalogEntry> entries = this.catalog.allEntries();
		Health.Builder health = Health.up()
			.withDetail("models", entries.size())
			.withDetail("unavailable", entries.stream().filter((entry) -> !entry.available()).count());
		SyncState state = this.sync.state();
		if (state == null) {
			return health.withDetail("synced", "not read yet").build();
		}
		double age = CatalogMetrics.ageSeconds(this.sync);
		health.withDetail("last_success_at", String.valueOf(state.lastSuccessAt()))
			.withDetail("age_seconds", Double.isNaN(age) ? "never synced" : Math.round(age))
			.withDetail("listed_by_runcomfy", state.listedModels())
			.withDetail("consecutive_failures", state.consecutiveFailures());
		if (state.lastFailureAt() != null) {
			health.withDetail("last_failure_at", state.lastFailureAt().toString())
				.withDetail("last_failure", String.valueOf(state.lastFailure()));
		}
		return health.build();
	}

}
