package io.genjobs.gateway.media;

/**
 * What a media file's bytes say about it.
 *
 * @param type the format judged from the bytes
 * @param sizeBytes the file's size in bytes (from {@code Content-Range},
 * {@code Content-Length} or the bytes read); when {@code sizeExceeded}, the file is
 * larger than this
 * @param sizeExceeded whether the file is larger than the probe's {@code maxBytes}
 * @param width width in pixels, or 0 when the header gives none (audio; a video whose
 * track header was not found)
 * @param height height in pixels, or 0 when the header gives none
 */
public record MediaInfo(MediaType type, long sizeBytes, boolean sizeExceeded, int width, int height) {

	/** Whether the header gave both dimensions. */
	public boolean hasDimensions() {
		return this.width > 0 && this.height > 0;
	}

}
