package io.genjobs.gateway.upstream;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.job.UpstreamCancellation;

/**
 * Cancels requests at RunComfy for the job feature's cancel rules (a client's {@code POST
 * /jobs/{id}/cancel}), through the same global rate limit, shared 429 pause and circuit
 * breaker as every other RunComfy call ({@link ResilientRunComfy}); the client is
 * answered at once rather than kept waiting out a pause.
 */
@Component
class RunComfyCancellation implements UpstreamCancellation {

	private final ResilientRunComfy runcomfy;

	RunComfyCancellation(ResilientRunComfy runcomfy) {
		this.runcomfy = runcomfy;
	}

	@Override
	public boolean cancel(String requestId) {
		try {
			return this.runcomfy.cancelForClient(requestId).cancelled();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while cancelling RunComfy request " + requestId, ex);
		}
	}

}
