package io.genjobs.gateway.upstream;

import java.time.Duration;

/**
 * What a RunComfy call does while {@link UpstreamThrottle} holds it back: told at least
 * every {@link UpstreamThrottle#SLICE} that it still waits, it may give up by throwing
 * (the exception leaves the call; nothing was sent).
 */
@FunctionalInterface
interface Waiting {

	/** Waits as long as it takes (an interrupt still ends the wait). */
	Waiting PATIENTLY = () -> {
	};

	/** The call still waits, for a token or for a shared 429 pause. */
	void stillWaiting();

	/**
	 * The call waits for a shared 429 pause, with {@code remaining} to go. By default the
	 * same as {@link #stillWaiting()}.
	 */
	default void paused(Duration remaining) {
		stillWaiting();
	}

}
