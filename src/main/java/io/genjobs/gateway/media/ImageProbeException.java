package io.genjobs.gateway.media;

/** An image that could not be fetched or read; the message is written for the client. */
public class ImageProbeException extends RuntimeException {

	public ImageProbeException(String message) {
		super(message);
	}

	public ImageProbeException(String message, Throwable cause) {
		super(message, cause);
	}

}
