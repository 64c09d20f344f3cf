package io.genjobs.gateway.upstream;

import org.jspecify.annotations.Nullable;

/**
 * RunComfy's answer to a cancel call. Only queued requests can be cancelled; a running or
 * finished one answers {@code not_cancellable}.
 *
 * @param requestId RunComfy's id for the request
 * @param status the request's status string after the call, when RunComfy sent one
 * @param outcome {@code cancelled} or {@code not_cancellable}, when RunComfy sent one
 */
public record CancelOutcome(String requestId, @Nullable String status, @Nullable String outcome) {

	/**
	 * Whether the request is cancelled now: RunComfy said {@code cancelled}, or, without
	 * an outcome, reported the request's status as cancelled.
	 */
	public boolean cancelled() {
		if (this.outcome != null) {
			return "cancelled".equalsIgnoreCase(this.outcome) || "canceled".equalsIgnoreCase(this.outcome);
		}
		return UpstreamState.of(this.status) == UpstreamState.CANCELLED;
	}

}
