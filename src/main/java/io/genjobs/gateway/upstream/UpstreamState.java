package io.genjobs.gateway.upstream;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where a request stands at RunComfy, mapped from the status strings it answers with.
 * RunComfy documents {@code in_queue}, {@code in_progress}, {@code completed} and
 * {@code cancelled}; its own clients also meet {@code pending}, {@code waiting},
 * {@code starting}, {@code processing}, {@code succeeded} and {@code failed}, so those
 * are mapped too. Anything else is {@link #UNKNOWN}: the caller keeps polling rather than
 * guessing.
 */
public enum UpstreamState {

	IN_QUEUE, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, UNKNOWN;

	/** Maps a status string from RunComfy, case-insensitively; never fails. */
	public static UpstreamState of(@Nullable String status) {
		if (status == null) {
			return UNKNOWN;
		}
		return switch (status.trim().toLowerCase(Locale.ROOT)) {
			case "in_queue", "queued", "pending", "waiting" -> IN_QUEUE;
			case "in_progress", "running", "starting", "processing" -> IN_PROGRESS;
			case "completed", "succeeded" -> COMPLETED;
			case "failed" -> FAILED;
			case "cancelled", "canceled" -> CANCELLED;
			default -> UNKNOWN;
		};
	}

	/** Whether RunComfy is done with the request: it will not change any more. */
	public boolean isTerminal() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

}
