package io.genjobs.gateway.upstream;

import org.jspecify.annotations.Nullable;

/**
 * RunComfy's answer to a status call.
 *
 * @param requestId RunComfy's id for the request
 * @param status the status string exactly as RunComfy sent it
 * @param queuePosition the request's place in RunComfy's queue, when it is queued
 * @param statusUrl where RunComfy says its status can be read
 * @param resultUrl where RunComfy says its result can be read
 */
public record RequestStatus(String requestId, String status, @Nullable Integer queuePosition,
		@Nullable String statusUrl, @Nullable String resultUrl) {

	/** The status mapped to what the gateway acts on. */
	public UpstreamState state() {
		return UpstreamState.of(this.status);
	}

}
