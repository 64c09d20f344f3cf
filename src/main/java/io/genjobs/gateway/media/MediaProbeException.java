package io.genjobs.gateway.media;

/**
 * A media file that could not be fetched or read; the message is written for the client.
 * {@link #unrecognised()} says the bytes are of no format the gateway knows, so the
 * caller can name the formats its field accepts.
 */
public class MediaProbeException extends RuntimeException {

	private final boolean unrecognised;

	public MediaProbeException(String message) {
		this(message, null, false);
	}

	public MediaProbeException(String message, Throwable cause) {
		this(message, cause, false);
	}

	MediaProbeException(String message, Throwable cause, boolean unrecognised) {
		super(message, cause);
		this.unrecognised = unrecognised;
	}

	static MediaProbeException unrecognised(MediaKind expected) {
		return new MediaProbeException(expected.noun() + " is not of a recognised format", null, true);
	}

	/** Whether the bytes are of no format the gateway recognises. */
	public boolean unrecognised() {
		return this.unrecognised;
	}

}
