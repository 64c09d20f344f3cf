package io.genjobs.gateway.media;

import java.util.Base64;
import java.util.Locale;

/**
 * The bytes of a {@code data:image/png;base64,...} or {@code data:image/jpeg;base64,...}
 * URI. The declared type only admits the URI; the format is judged later from the bytes.
 */
final class DataUri {

	private static final String PREFIX = "data:";

	private DataUri() {
	}

	static boolean isDataUri(String uri) {
		return uri.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
	}

	/**
	 * Decodes an image data URI.
	 * @throws ImageProbeException when it is not a base64 PNG or JPEG data URI
	 */
	static byte[] decode(String uri) {
		int comma = uri.indexOf(',');
		if (comma < 0) {
			throw new ImageProbeException("data URI has no ',' before its data");
		}
		String[] header = uri.substring(PREFIX.length(), comma).split(";", -1);
		String mediaType = header[0].strip().toLowerCase(Locale.ROOT);
		if (!mediaType.equals("image/png") && !mediaType.equals("image/jpeg")) {
			throw new ImageProbeException("data URI must be data:image/png;base64 or data:image/jpeg;base64, not "
					+ (mediaType.isEmpty() ? "an untyped one" : mediaType));
		}
		if (header.length < 2 || !header[header.length - 1].strip().equalsIgnoreCase("base64")) {
			throw new ImageProbeException("data URI must be base64-encoded (data:" + mediaType + ";base64,...)");
		}
		try {
			return Base64.getDecoder().decode(uri.substring(comma + 1));
		}
		catch (IllegalArgumentException ex) {
			throw new ImageProbeException("data URI is not valid base64", ex);
		}
	}

}
