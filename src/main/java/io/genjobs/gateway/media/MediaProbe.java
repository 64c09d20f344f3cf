package io.genjobs.gateway.media;

/**
 * Reads what validation needs to know about an input image, video or audio file (format,
 * size, dimensions) from an http(s) URL or a {@code data:<type>;base64,} URI, judging the
 * format by the bytes alone and reading no more than the head of the file (and, for an
 * MP4 whose index sits at its end, a bounded piece of the tail). Blocking: call it from a
 * virtual thread, never from an event-loop thread.
 */
public interface MediaProbe {

	/**
	 * Probes one file.
	 * @param uri an http(s) URL or a data URI
	 * @param expected the kind the field takes; it only words the messages ("image could
	 * not be fetched"), the format is judged from the bytes
	 * @param maxBytes the largest size that can pass validation; the probe reads no more
	 * than one byte past it and reports {@link MediaInfo#sizeExceeded()}
	 * @return what the file's bytes say about it
	 * @throws MediaProbeException when the file cannot be fetched or read (unreachable,
	 * refused by the outbound guard, not 2xx, too slow, of no recognised format, corrupt
	 * header); its message is meant for the client
	 */
	MediaInfo probe(String uri, MediaKind expected, long maxBytes) throws MediaProbeException;

	/**
	 * The size cap of a kind for fields without a {@code file_size_mb} rule
	 * ({@code gateway.media.max-image-size}, {@code max-video-size},
	 * {@code max-audio-size}); these defaults are RunComfy's recommendations.
	 */
	default long maxBytes(MediaKind kind) {
		return switch (kind) {
			case IMAGE, AUDIO -> 50L * 1024 * 1024;
			case VIDEO -> 100L * 1024 * 1024;
		};
	}

}
