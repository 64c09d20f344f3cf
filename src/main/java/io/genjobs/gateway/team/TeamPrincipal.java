package io.genjobs.gateway.team;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The team a request was authenticated as. Controllers take it as a method parameter; it
 * is resolved from the request's {@code Authorization: Bearer} API key.
 *
 * @param id the team's id
 * @param name the team's name
 * @param rateLimitPerSecond the team's limit on {@code POST /jobs} requests per second
 * @param maxQueuedJobs the most jobs the team may have {@code queued} at once
 * @param allowedModels the model ids or {@code *} globs the team may use (within
 * {@code gateway.catalog.enabled-models}); {@code null} for every enabled model
 * @param budgeted whether the team had a monthly budget when the key was read (the accept
 * path's hint to take the budget lock; the lock holder reads the budget itself)
 */
public record TeamPrincipal(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs,
		@Nullable List<String> allowedModels, boolean budgeted) {

	public TeamPrincipal {
		allowedModels = (allowedModels != null) ? List.copyOf(allowedModels) : null;
	}

	/** A team that may use every enabled model, without a budget. */
	public TeamPrincipal(UUID id, String name, int rateLimitPerSecond, int maxQueuedJobs) {
		this(id, name, rateLimitPerSecond, maxQueuedJobs, null, false);
	}

	/**
	 * The exchange attribute that holds the team once the request is authenticated, for
	 * whatever else handles the request (its log line, its logging context).
	 */
	public static final String EXCHANGE_ATTRIBUTE = TeamPrincipal.class.getName();

}
