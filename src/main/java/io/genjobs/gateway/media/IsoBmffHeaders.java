package io.genjobs.gateway.media;

import java.util.Set;

import io.genjobs.gateway.media.MediaHeaders.Header;

/**
 * Reads MP4, MOV and M4A (ISO base media files: a sequence of boxes, each a 32-bit size,
 * a four-character type and a body; size 1 means a 64-bit size follows the type, size 0
 * that the box runs to the end of the file). The {@code ftyp} box's major brand tells
 * QuickTime ({@code qt  }) and M4A ({@code M4A }, {@code M4B }, ...) from MP4; the
 * dimensions are the width and height (16.16 fixed point) at the end of the first
 * {@code moov/trak/tkhd} box of a visual track. A file whose tracks are all audio (zero
 * width and height) is M4A whatever its brand. The {@code moov} box often follows the
 * media data ({@code mdat}); when it lies past the bytes read, the header says where the
 * next top-level box starts, for a second, bounded read of the file's tail.
 */
final class IsoBmffHeaders {

	private static final Set<String> AUDIO_BRANDS = Set.of("M4A ", "M4B ", "M4P ", "F4A ", "F4B ");

	/** Types a QuickTime file without {@code ftyp} starts with. */
	private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "wide", "free");

	/** Boxes read one after another at most, against a file of a million empty boxes. */
	private static final int MAX_BOXES = 10_000;

	private IsoBmffHeaders() {
	}

	static boolean isIsoBmff(byte[] bytes, int length) {
		return length >= 8 && FIRST_BOXES.contains(MediaHeaders.ascii(bytes, 4, 4));
	}

	/** Reads the boxes at the start of a file. */
	static Header read(byte[] bytes, int length, boolean whole) {
		MediaType type = MediaType.MOV;
		if (MediaHeaders.isAscii(bytes, 4, "ftyp")) {
			if (length < 12) {
				throw corrupt("its ftyp box is cut short");
			}
			String brand = MediaHeaders.ascii(bytes, 8, 4);
			type = brand.equals("qt  ") ? MediaType.MOV : AUDIO_BRANDS.contains(brand) ? MediaType.M4A : MediaType.MP4;
		}
		return walk(bytes, length, whole, 0, type);
	}

	/**
	 * Reads a piece of the file's tail, starting at a top-level box.
	 * @param head what the start of the file said
	 * @param offset where in the file {@code bytes} starts
	 */
	static Header readTail(byte[] bytes, int length, boolean whole, Header head, long offset) {
		Header tail = walk(bytes, length, whole, offset, head.type());
		return (tail.tailOffset() >= 0) ? Header.withoutDimensions(head.type()) : tail;
	}

	private static Header walk(byte[] bytes, int length, boolean whole, long offset, MediaType type) {
		long position = 0;
		for (int boxes = 0; boxes < MAX_BOXES; boxes++) {
			if (position + 8 > length) {
				return (whole || position >= Long.MAX_VALUE - offset) ? Header.withoutDimensions(type)
						: new Header(type, 0, 0, offset + position);
			}
			Box box = box(bytes, length, (int) position);
			if (box.type().equals("moov")) {
				return moov(bytes, (int) Math.min(length, position + box.size()), box, type,
						position + box.size() <= length);
			}
			if (box.size() == 0) {
				return Header.withoutDimensions(type);
			}
			position += box.size();
		}
		throw corrupt("it has more than " + MAX_BOXES + " boxes before its moov box");
	}

	private static Header moov(byte[] bytes, int end, Box moov, MediaType type, boolean complete) {
		int position = moov.bodyStart();
		for (int boxes = 0; boxes < MAX_BOXES && position + 8 <= end; boxes++) {
			Box child = box(bytes, end, position);
			if (child.type().equals("trak")) {
				int trakEnd = (int) Math.min(end, position + child.size());
				int[] dimensions = trackDimensions(bytes, child.bodyStart(), trakEnd);
				if (dimensions != null) {
					return Header.of((type == MediaType.M4A) ? MediaType.MP4 : type, dimensions[0], dimensions[1]);
				}
			}
			if (child.size() == 0) {
				break;
			}
			position += (int) Math.min(child.size(), Integer.MAX_VALUE);
		}
		// Every track read, none visual: sound alone, in an MP4 or QuickTime box.
		return Header.withoutDimensions(complete ? MediaType.M4A : type);
	}

	/**
	 * The width and height of a {@code tkhd} in this track, or null for a sound track.
	 */
	private static int[] trackDimensions(byte[] bytes, int position, int end) {
		while (position + 8 <= end) {
			Box box = box(bytes, end, position);
			if (box.type().equals("tkhd")) {
				int body = box.bodyStart();
				if (body + 1 > end) {
					return null;
				}
				// version 0: 20 bytes of times and ids; version 1: 32; then 52 bytes of
				// reserved, layer, group, volume and matrix.
				int at = body + ((bytes[body] == 1) ? 88 : 76);
				if (at + 8 > end) {
					return null;
				}
				int width = (int) (MediaHeaders.bigEndian(bytes, at, 4) >>> 16);
				int height = (int) (MediaHeaders.bigEndian(bytes, at + 4, 4) >>> 16);
				return (width > 0 && height > 0) ? new int[] { width, height } : null;
			}
			if (box.size() == 0) {
				return null;
			}
			position += (int) Math.min(box.size(), Integer.MAX_VALUE);
		}
		return null;
	}

	private static Box box(byte[] bytes, int length, int position) {
		long size = MediaHeaders.bigEndian(bytes, position, 4);
		String type = MediaHeaders.ascii(bytes, position + 4, 4);
		int header = 8;
		if (size == 1) {
			if (position + 16 > length) {
				throw corrupt("its " + type + " box is cut short");
			}
			size = MediaHeaders.bigEndian(bytes, position + 8, 8);
			header = 16;
		}
		if (size < 0 || size > Long.MAX_VALUE / 4 || (size != 0 && size < header)) {
			throw corrupt("its " + type + " box has size " + size);
		}
		return new Box(type, size, position + header);
	}

	private static MediaProbeException corrupt(String reason) {
		return new MediaProbeException("video header is corrupt: " + reason);
	}

	/**
	 * A box: its type, its whole size (0: to the end of the file), where its body starts.
	 */
	private record Box(String type, long size, int bodyStart) {
	}

}
