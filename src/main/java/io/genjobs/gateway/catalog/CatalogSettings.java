package io.genjobs.gateway.catalog;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the model catalog comes from: local model files, and RunComfy's own catalog,
 * synced into PostgreSQL.
 *
 * @param locations Spring resource patterns of model files, each one model in RunComfy's
 * own schema format; operators add their own with, for example,
 * {@code file:/etc/gateway/models/*.json}. A local file overrides (pins) the synced entry
 * with its id.
 * @param defaultModel the model a job gets when it names none; start-up fails when no
 * loaded file declares it
 * @param refreshInterval how often the catalog is synced from RunComfy; zero never syncs
 * (the local files, and whatever copy the database holds, are served)
 * @param enabledModels the model ids teams may use, exact or {@code *} globs ({@code *}
 * matches any characters, {@code /} included)
 * @param checkInterval how often an instance looks whether a sync is due or another
 * instance's sync changed the stored copy
 * @param pageSize models asked for per {@code GET /v1/models} page
 * @param syncTimeout the longest one sync may take (every page included); also the lease
 * that keeps other instances from syncing at the same time
 */
@ConfigurationProperties("gateway.catalog")
@Validated
record CatalogSettings(@NotEmpty List<@NotBlank String> locations, @NotBlank String defaultModel,
		@NotNull Duration refreshInterval, @NotEmpty List<@NotBlank String> enabledModels,
		@NotNull @DurationMin(millis = 10) Duration checkInterval, @Min(1) @Max(1000) int pageSize,
		@NotNull @DurationMin(seconds = 1) Duration syncTimeout) {

	static final String DEFAULT_MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	@ConstructorBinding
	CatalogSettings(@DefaultValue("classpath*:models/*.json") List<String> locations,
			@DefaultValue(DEFAULT_MODEL) String defaultModel, @DefaultValue("1h") Duration refreshInterval,
			@DefaultValue("*") List<String> enabledModels, @DefaultValue("30s") Duration checkInterval,
			@DefaultValue("50") int pageSize, @DefaultValue("5m") Duration syncTimeout) {
		this.locations = locations;
		this.defaultModel = defaultModel;
		this.refreshInterval = refreshInterval;
		this.enabledModels = (enabledModels != null) ? List.copyOf(enabledModels) : List.of("*");
		this.checkInterval = checkInterval;
		this.pageSize = pageSize;
		this.syncTimeout = syncTimeout;
	}

	/** Local files only, with the other settings at their defaults (tests). */
	CatalogSettings(List<String> locations, String defaultModel) {
		this(locations, defaultModel, Duration.ofHours(1), List.of("*"), Duration.ofSeconds(30), 50,
				Duration.ofMinutes(5));
	}

	/** Whether the catalog is synced from RunComfy at all. */
	boolean syncs() {
		return this.refreshInterval.isPositive();
	}

}
