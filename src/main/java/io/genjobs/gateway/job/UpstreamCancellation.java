package io.genjobs.gateway.job;

/**
 * Asks RunComfy to cancel a request. Implemented by the upstream feature; declared here
 * so that the job feature, which owns the cancel rules, does not depend on the RunComfy
 * client.
 */
public interface UpstreamCancellation {

	/**
	 * @param requestId RunComfy's request id
	 * @return {@code true} when RunComfy cancelled it, {@code false} when it answered
	 * {@code not_cancellable}
	 * @throws RuntimeException when RunComfy could not be asked (the caller answers
	 * 502/503)
	 */
	boolean cancel(String requestId);

}
