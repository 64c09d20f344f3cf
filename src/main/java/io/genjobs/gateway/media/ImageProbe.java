package io.genjobs.gateway.media;

/**
 * Reads what validation needs to know about an input image (format, size, dimensions)
 * from an http(s) URL or a {@code data:image/png|jpeg;base64,} URI, without decoding the
 * picture. Blocking: call it from a virtual thread, never from an event-loop thread.
 */
public interface ImageProbe {

	/**
	 * Probes one image.
	 * @param uri an http(s) URL or a data URI
	 * @param maxBytes the largest size that can pass validation; the probe stops reading
	 * one byte past it and reports {@link ImageInfo#sizeExceeded()}
	 * @return what the image's bytes say about it
	 * @throws ImageProbeException when the image cannot be fetched or read (unreachable,
	 * refused by the outbound guard, not 2xx, too slow, not a JPEG or PNG, truncated
	 * header); its message is meant for the client
	 */
	ImageInfo probe(String uri, long maxBytes) throws ImageProbeException;

}
