package io.genjobs.gateway.upstream;

/**
 * A call that would not wait for the global throttle (a client's cancel, while the client
 * waits for the answer) gave up before anything was sent.
 */
class UpstreamBusyException extends RuntimeException {

	UpstreamBusyException(String reason) {
		super("RunComfy was not called: " + reason);
	}

}
