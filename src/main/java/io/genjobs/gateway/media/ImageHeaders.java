package io.genjobs.gateway.media;

import java.util.Optional;

import io.genjobs.gateway.media.MediaHeaders.Header;

/**
 * Reads an image's dimensions from its first bytes, the way a decoder would before
 * decoding any pixel: the PNG IHDR chunk, the JPEG marker segments up to the frame header
 * (SOFn), or the first chunk of a WebP (VP8, VP8L or VP8X).
 */
final class ImageHeaders {

	private static final byte[] PNG_SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

	/** Signature, IHDR length and type, width, height. */
	private static final int PNG_HEADER_LENGTH = 24;

	private ImageHeaders() {
	}

	static boolean isPng(byte[] bytes, int length) {
		return startsWith(bytes, length, PNG_SIGNATURE);
	}

	static boolean isJpeg(byte[] bytes, int length) {
		return length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF;
	}

	/** {@code RIFF}, the RIFF size, {@code WEBP}. */
	static boolean isWebp(byte[] bytes, int length) {
		return length >= 12 && MediaHeaders.isAscii(bytes, 0, "RIFF") && MediaHeaders.isAscii(bytes, 8, "WEBP");
	}

	static Optional<Header> png(byte[] bytes, int length, boolean whole) {
		if (length < PNG_HEADER_LENGTH) {
			return needMore(whole, "PNG");
		}
		boolean ihdr = readInt(bytes, 8) == 13 && bytes[12] == 'I' && bytes[13] == 'H' && bytes[14] == 'D'
				&& bytes[15] == 'R';
		if (!ihdr) {
			throw corrupt("PNG", "the IHDR chunk does not come first");
		}
		int width = readInt(bytes, 16);
		int height = readInt(bytes, 20);
		if (width <= 0 || height <= 0) {
			throw corrupt("PNG",
					"its dimensions are " + Integer.toUnsignedString(width) + "x" + Integer.toUnsignedString(height));
		}
		return Optional.of(Header.of(MediaType.PNG, width, height));
	}

	/**
	 * Walks the marker segments after SOI: each is {@code FF}, any number of {@code FF}
	 * fill bytes, the marker, and (except for the standalone markers TEM and RST0-7) a
	 * two-byte length that counts itself. The first SOFn segment holds the dimensions;
	 * APPn, DQT, DHT (C4), JPG (C8), DAC (CC), COM and the rest are skipped whole.
	 */
	static Optional<Header> jpeg(byte[] bytes, int length, boolean whole) {
		int position = 2;
		while (true) {
			if (position >= length) {
				return needMore(whole, "JPEG");
			}
			if ((bytes[position] & 0xFF) != 0xFF) {
				throw corrupt("JPEG", "byte " + position + " should start a marker");
			}
			while (position < length && (bytes[position] & 0xFF) == 0xFF) {
				position++;
			}
			if (position >= length) {
				return needMore(whole, "JPEG");
			}
			int marker = bytes[position++] & 0xFF;
			if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
				continue;
			}
			if (marker == 0x00 || marker == 0xD8) {
				throw corrupt("JPEG", String.format("marker FF%02X is out of place", marker));
			}
			if (marker == 0xD9 || marker == 0xDA) {
				throw corrupt("JPEG", (marker == 0xD9) ? "it ends before its frame header"
						: "its scan data starts before its frame header");
			}
			if (position + 2 > length) {
				return needMore(whole, "JPEG");
			}
			int segmentLength = readUnsignedShort(bytes, position);
			if (segmentLength < 2) {
				throw corrupt("JPEG", String.format("segment FF%02X has length %d", marker, segmentLength));
			}
			if (isStartOfFrame(marker)) {
				return startOfFrame(bytes, length, whole, position, segmentLength);
			}
			position += segmentLength;
		}
	}

	private static Optional<Header> startOfFrame(byte[] bytes, int length, boolean whole, int position,
			int segmentLength) {
		// length (2), precision (1), lines (2), samples per line (2), components (1)
		if (segmentLength < 8) {
			throw corrupt("JPEG", "its frame header is " + segmentLength + " bytes long");
		}
		if (position + 7 > length) {
			return needMore(whole, "JPEG");
		}
		int height = readUnsignedShort(bytes, position + 3);
		int width = readUnsignedShort(bytes, position + 5);
		if (height == 0) {
			throw corrupt("JPEG", "its height is left to a DNL marker after the first scan");
		}
		if (width == 0) {
			throw corrupt("JPEG", "its width is 0");
		}
		return Optional.of(Header.of(MediaType.JPEG, width, height));
	}

	/**
	 * A WebP is a RIFF file whose first chunk (at byte 12: four-character type, 32-bit
	 * little-endian length) is one of: {@code VP8 } (lossy: a 3-byte frame tag, the start
	 * code {@code 9D 01 2A}, then 14-bit width and height, little-endian), {@code VP8L}
	 * (lossless: the signature byte {@code 2F}, then width-1 and height-1 in 14 bits
	 * each) or {@code VP8X} (extended: flags, 3 reserved bytes, then canvas width-1 and
	 * height-1 in 24 bits each).
	 */
	static Optional<Header> webp(byte[] bytes, int length, boolean whole) {
		if (length < 30) {
			return needMore(whole, "WebP");
		}
		int data = 20;
		int width;
		int height;
		if (MediaHeaders.isAscii(bytes, 12, "VP8 ")) {
			if ((bytes[data + 3] & 0xFF) != 0x9D || (bytes[data + 4] & 0xFF) != 0x01
					|| (bytes[data + 5] & 0xFF) != 0x2A) {
				throw corrupt("WebP", "its VP8 frame has no start code");
			}
			width = MediaHeaders.littleEndian(bytes, data + 6, 2) & 0x3FFF;
			height = MediaHeaders.littleEndian(bytes, data + 8, 2) & 0x3FFF;
		}
		else if (MediaHeaders.isAscii(bytes, 12, "VP8L")) {
			if ((bytes[data] & 0xFF) != 0x2F) {
				throw corrupt("WebP", "its VP8L signature is missing");
			}
			int bits = MediaHeaders.littleEndian(bytes, data + 1, 4);
			width = (bits & 0x3FFF) + 1;
			height = ((bits >>> 14) & 0x3FFF) + 1;
		}
		else if (MediaHeaders.isAscii(bytes, 12, "VP8X")) {
			width = MediaHeaders.littleEndian(bytes, data + 4, 3) + 1;
			height = MediaHeaders.littleEndian(bytes, data + 7, 3) + 1;
		}
		else {
			throw corrupt("WebP", "its first chunk is not VP8, VP8L or VP8X");
		}
		if (width <= 0 || height <= 0) {
			throw corrupt("WebP", "its dimensions are " + width + "x" + height);
		}
		return Optional.of(Header.of(MediaType.WEBP, width, height));
	}

	/** SOF0-3, SOF5-7, SOF9-11, SOF13-15; C4, C8 and CC are other segments. */
	private static boolean isStartOfFrame(int marker) {
		return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
	}

	static Optional<Header> needMore(boolean whole, String format) {
		if (whole) {
			throw new MediaProbeException(format + " header is truncated: the image ends before its dimensions");
		}
		return Optional.empty();
	}

	static MediaProbeException corrupt(String format, String reason) {
		return new MediaProbeException(format + " header is corrupt: " + reason);
	}

	private static boolean startsWith(byte[] bytes, int length, byte[] prefix) {
		if (length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static int readInt(byte[] bytes, int at) {
		return ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
				| (bytes[at + 3] & 0xFF);
	}

	private static int readUnsignedShort(byte[] bytes, int at) {
		return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
	}

}
