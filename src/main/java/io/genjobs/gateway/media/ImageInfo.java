package io.genjobs.gateway.media;

/**
 * What an image's bytes say about it.
 *
 * @param format the format judged from the magic bytes
 * @param sizeBytes the number of bytes read; when {@code sizeExceeded}, the image is
 * larger than this
 * @param sizeExceeded whether the image is larger than the probe's {@code maxBytes}
 * @param width width in pixels, from the header
 * @param height height in pixels, from the header
 */
public record ImageInfo(ImageFormat format, long sizeBytes, boolean sizeExceeded, int width, int height) {
}
