package io.genjobs.gateway.media;

import io.genjobs.gateway.media.MediaHeaders.Header;

/**
 * Reads WebM (Matroska's EBML: elements of a variable-length id, a variable-length size
 * and a body; a size of all one bits means "unknown", as a live recording's Segment has).
 * The EBML header's DocType must be {@code webm}; the dimensions are the PixelWidth and
 * PixelHeight of the first video TrackEntry in {@code Segment/Tracks/TrackEntry/Video}.
 * Tracks come before the first Cluster in any file a muxer writes for playback over HTTP;
 * when they lie past the bytes read the header gives no dimensions.
 */
final class EbmlHeaders {

	private static final long EBML = 0x1A45DFA3L;

	private static final long DOC_TYPE = 0x4282;

	private static final long SEGMENT = 0x18538067L;

	private static final long TRACKS = 0x1654AE6BL;

	private static final long TRACK_ENTRY = 0xAE;

	private static final long TRACK_TYPE = 0x83;

	private static final long VIDEO = 0xE0;

	private static final long PIXEL_WIDTH = 0xB0;

	private static final long PIXEL_HEIGHT = 0xBA;

	private static final long CLUSTER = 0x1F43B675L;

	private static final long UNKNOWN = -1;

	/** Elements read one after another at most. */
	private static final int MAX_ELEMENTS = 10_000;

	private EbmlHeaders() {
	}

	static boolean isEbml(byte[] bytes, int length) {
		return length >= 4 && MediaHeaders.bigEndian(bytes, 0, 4) == EBML;
	}

	static Header read(byte[] bytes, int length) {
		Element ebml = element(bytes, length, 0);
		if (ebml == null || ebml.size() == UNKNOWN || ebml.end() > length) {
			throw corrupt("its EBML header is cut short");
		}
		String docType = "matroska";
		for (Element child = element(bytes, length, ebml.body()); child != null
				&& child.end() <= ebml.end(); child = element(bytes, length, (int) child.end())) {
			if (child.id() == DOC_TYPE) {
				docType = MediaHeaders.ascii(bytes, child.body(), (int) child.size()).replace("\0", "");
			}
		}
		if (!docType.equals("webm")) {
			throw new MediaProbeException(
					"video is a " + docType + " file; of the EBML formats only WebM (DocType webm) is accepted");
		}
		Element segment = element(bytes, length, (int) ebml.end());
		if (segment == null || segment.id() != SEGMENT) {
			return Header.withoutDimensions(MediaType.WEBM);
		}
		int position = segment.body();
		for (int count = 0; count < MAX_ELEMENTS; count++) {
			Element child = element(bytes, length, position);
			if (child == null || child.id() == CLUSTER || child.size() == UNKNOWN) {
				return Header.withoutDimensions(MediaType.WEBM);
			}
			if (child.id() == TRACKS) {
				return tracks(bytes, length, child);
			}
			if (child.end() > length) {
				return Header.withoutDimensions(MediaType.WEBM);
			}
			position = (int) child.end();
		}
		throw corrupt("it has more than " + MAX_ELEMENTS + " elements before its Tracks");
	}

	private static Header tracks(byte[] bytes, int length, Element tracks) {
		long end = Math.min(length, tracks.end());
		int position = tracks.body();
		for (int count = 0; count < MAX_ELEMENTS; count++) {
			Element entry = element(bytes, (int) end, position);
			if (entry == null || entry.size() == UNKNOWN) {
				break;
			}
			if (entry.id() == TRACK_ENTRY) {
				Header video = trackEntry(bytes, (int) Math.min(end, entry.end()), entry);
				if (video != null) {
					return video;
				}
			}
			position = (int) entry.end();
		}
		if (tracks.end() <= length) {
			throw new MediaProbeException("video is a WebM file without a video track");
		}
		return Header.withoutDimensions(MediaType.WEBM);
	}

	private static Header trackEntry(byte[] bytes, int end, Element entry) {
		long trackType = 0;
		int width = 0;
		int height = 0;
		for (Element child = element(bytes, end, entry.body()); child != null
				&& child.size() != UNKNOWN; child = element(bytes, end, (int) child.end())) {
			if (child.id() == TRACK_TYPE && child.end() <= end) {
				trackType = unsigned(bytes, child);
			}
			else if (child.id() == VIDEO) {
				for (Element video = element(bytes, end, child.body()); video != null && video.size() != UNKNOWN
						&& video.end() <= Math.min(end, child.end()); video = element(bytes, end, (int) video.end())) {
					if (video.id() == PIXEL_WIDTH) {
						width = (int) Math.min(Integer.MAX_VALUE, unsigned(bytes, video));
					}
					else if (video.id() == PIXEL_HEIGHT) {
						height = (int) Math.min(Integer.MAX_VALUE, unsigned(bytes, video));
					}
				}
			}
		}
		if (trackType != 1 && width == 0) {
			return null;
		}
		return (width > 0 && height > 0) ? Header.of(MediaType.WEBM, width, height)
				: Header.withoutDimensions(MediaType.WEBM);
	}

	private static long unsigned(byte[] bytes, Element element) {
		if (element.size() > 8) {
			throw corrupt("an integer element is " + element.size() + " bytes long");
		}
		return MediaHeaders.bigEndian(bytes, element.body(), (int) element.size());
	}

	/**
	 * The element at {@code position}, or null when its id and size do not fit in
	 * {@code length} bytes.
	 */
	private static Element element(byte[] bytes, int length, int position) {
		if (position >= length) {
			return null;
		}
		int idLength = vintLength(bytes[position]);
		if (idLength > 4) {
			throw corrupt("byte " + position + " does not start an element id");
		}
		if (position + idLength >= length) {
			return null;
		}
		long id = MediaHeaders.bigEndian(bytes, position, idLength);
		int sizeAt = position + idLength;
		int sizeLength = vintLength(bytes[sizeAt]);
		if (sizeLength > 8) {
			throw corrupt("byte " + sizeAt + " does not start an element size");
		}
		if (sizeAt + sizeLength > length) {
			return null;
		}
		long raw = MediaHeaders.bigEndian(bytes, sizeAt, sizeLength);
		long marker = 1L << (7 * sizeLength);
		long size = raw & (marker - 1);
		if (size == marker - 1) {
			size = UNKNOWN;
		}
		else if (size > Integer.MAX_VALUE / 2 && id != SEGMENT && id != CLUSTER) {
			throw corrupt("an element is " + size + " bytes long");
		}
		return new Element(id, size, sizeAt + sizeLength);
	}

	/**
	 * How many bytes a variable-length integer takes: one more than its leading zeros.
	 */
	private static int vintLength(byte first) {
		return Integer.numberOfLeadingZeros(first & 0xFF) - 23;
	}

	private static MediaProbeException corrupt(String reason) {
		return new MediaProbeException("WebM header is corrupt: " + reason);
	}

	/**
	 * An element: its id (length marker kept), its body's size and where the body starts.
	 */
	private record Element(long id, long size, int body) {

		long end() {
			return (this.size == UNKNOWN) ? Long.MAX_VALUE : this.body + this.size;
		}

	}

}
