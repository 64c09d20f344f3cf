package io.genjobs.gateway.media;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Judges a media file's format from its first bytes (magic numbers, never a name or a
 * Content-Type) and hands it to the reader of that format's header: {@link ImageHeaders}
 * for JPEG, PNG and WebP, {@link IsoBmffHeaders} for MP4, MOV and M4A,
 * {@link EbmlHeaders} for WebM. Audio needs no more than its signature: MP3 (an ID3v2 tag
 * or an MPEG audio layer III frame header), WAV ({@code RIFF....WAVE}), FLAC
 * ({@code fLaC}) and Ogg ({@code OggS}, stream version 0).
 */
final class MediaHeaders {

	/** The longest signature looked at, so that a shorter file is judged whole. */
	static final int SIGNATURE_LENGTH = 16;

	private MediaHeaders() {
	}

	/**
	 * What a header says.
	 *
	 * @param type the format, from the magic bytes (and for ISO BMFF from its brand and
	 * tracks)
	 * @param width width in pixels, 0 when the header gives none
	 * @param height height in pixels, 0 when the header gives none
	 * @param tailOffset for an ISO BMFF file whose {@code moov} box lies past the bytes
	 * read, where the next top-level box starts; -1 otherwise
	 */
	record Header(MediaType type, int width, int height, long tailOffset) {

		static Header of(MediaType type, int width, int height) {
			return new Header(type, width, height, -1);
		}

		static Header withoutDimensions(MediaType type) {
			return new Header(type, 0, 0, -1);
		}

	}

	/**
	 * Reads the header from the first {@code length} bytes of a file.
	 * @param whole whether those are all of the file's bytes
	 * @param expected the kind the field takes, for messages
	 * @return the header, or empty when an image's dimensions lie past {@code length} and
	 * the file goes on
	 * @throws MediaProbeException when the bytes are of no recognised format
	 * ({@link MediaProbeException#unrecognised()}), or their header is corrupt or cut
	 * short
	 */
	static Optional<Header> read(byte[] bytes, int length, boolean whole, MediaKind expected) {
		if (ImageHeaders.isPng(bytes, length)) {
			return ImageHeaders.png(bytes, length, whole);
		}
		if (ImageHeaders.isJpeg(bytes, length)) {
			return ImageHeaders.jpeg(bytes, length, whole);
		}
		if (ImageHeaders.isWebp(bytes, length)) {
			return ImageHeaders.webp(bytes, length, whole);
		}
		if (IsoBmffHeaders.isIsoBmff(bytes, length)) {
			return Optional.of(IsoBmffHeaders.read(bytes, length, whole));
		}
		if (EbmlHeaders.isEbml(bytes, length)) {
			return Optional.of(EbmlHeaders.read(bytes, length));
		}
		if (length >= 12 && isAscii(bytes, 0, "RIFF") && isAscii(bytes, 8, "WAVE")) {
			return audio(MediaType.WAV);
		}
		if (isAscii(bytes, 0, "fLaC")) {
			return audio(MediaType.FLAC);
		}
		if (length >= 5 && isAscii(bytes, 0, "OggS") && bytes[4] == 0) {
			return audio(MediaType.OGG);
		}
		if (isId3(bytes, length)) {
			// An ID3v2 tag may front a FLAC stream too; what follows it says which.
			long after = 10 + syncsafe(bytes, 6) + (((bytes[5] & 0x10) != 0) ? 10 : 0);
			boolean flac = after + 4 <= length && isAscii(bytes, (int) after, "fLaC");
			return audio(flac ? MediaType.FLAC : MediaType.MP3);
		}
		if (isMpegAudioLayer3(bytes, length, 0)) {
			return audio(MediaType.MP3);
		}
		throw MediaProbeException.unrecognised(expected);
	}

	private static Optional<Header> audio(MediaType type) {
		return Optional.of(Header.withoutDimensions(type));
	}

	/** {@code ID3}, major version 2 to 4, revision below {@code FF}. */
	private static boolean isId3(byte[] bytes, int length) {
		return length >= 10 && isAscii(bytes, 0, "ID3") && bytes[3] >= 2 && bytes[3] <= 4 && (bytes[4] & 0xFF) != 0xFF;
	}

	/**
	 * An MPEG audio frame header: 11 sync bits, a version that is not the reserved one,
	 * layer III, a bitrate index that is not 15 and a sampling rate index that is not 3.
	 */
	static boolean isMpegAudioLayer3(byte[] bytes, int length, int at) {
		if (at + 4 > length) {
			return false;
		}
		int b1 = bytes[at + 1] & 0xFF;
		int b2 = bytes[at + 2] & 0xFF;
		return (bytes[at] & 0xFF) == 0xFF && (b1 & 0xE0) == 0xE0 && ((b1 >> 3) & 3) != 1 && ((b1 >> 1) & 3) == 1
				&& (b2 >> 4) != 15 && ((b2 >> 2) & 3) != 3;
	}

	private static long syncsafe(byte[] bytes, int at) {
		return ((bytes[at] & 0x7FL) << 21) | ((bytes[at + 1] & 0x7FL) << 14) | ((bytes[at + 2] & 0x7FL) << 7)
				| (bytes[at + 3] & 0x7FL);
	}

	static boolean isAscii(byte[] bytes, int at, String text) {
		byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
		if (at < 0 || at + expected.length > bytes.length) {
			return false;
		}
		for (int i = 0; i < expected.length; i++) {
			if (bytes[at + i] != expected[i]) {
				return false;
			}
		}
		return true;
	}

	static String ascii(byte[] bytes, int at, int count) {
		return new String(bytes, at, count, StandardCharsets.US_ASCII);
	}

	static int littleEndian(byte[] bytes, int at, int count) {
		int value = 0;
		for (int i = count - 1; i >= 0; i--) {
			value = (value << 8) | (bytes[at + i] & 0xFF);
		}
		return value;
	}

	static long bigEndian(byte[] bytes, int at, int count) {
		long value = 0;
		for (int i = 0; i < count; i++) {
			value = (value << 8) | (bytes[at + i] & 0xFF);
		}
		return value;
	}

}
