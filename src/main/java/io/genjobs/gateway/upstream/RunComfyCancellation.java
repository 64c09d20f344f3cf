package io.genjobs.gateway.upstream;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.job.UpstreamCancellation;

/** Cancels requests at RunComfy for the job feature's cancel rules. */
@Component
class RunComfyCancellation implements UpstreamCancellation {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final RunComfyClient client;

	RunComfyCancellation(RunComfyClient client) {
		this.client = client;
	}

	@Override
	public boolean cancel(String requestId) {
		CancelOutcome outcome = this.client.cancel(requestId).block(TIMEOUT);
		return outcome != null && outcome.cancelled();
	}

}
