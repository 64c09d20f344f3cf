package io.genjobs.gateway.media;

import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The bytes of a {@code data:<media type>;base64,...} URI. The declared type must name
 * one of the formats the gateway knows ({@link MediaType}) but only admits the URI; the
 * format is judged later from the bytes.
 */
final class DataUri {

	private static final String PREFIX = "data:";

	private DataUri() {
	}

	static boolean isDataUri(String uri) {
		return uri.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
	}

	/**
	 * Decodes a media data URI.
	 * @throws MediaProbeException when it is not a base64 data URI of a known media type
	 */
	static byte[] decode(String uri) {
		int comma = uri.indexOf(',');
		if (comma < 0) {
			throw new MediaProbeException("data URI has no ',' before its data");
		}
		String[] header = uri.substring(PREFIX.length(), comma).split(";", -1);
		String mediaType = header[0].strip().toLowerCase(Locale.ROOT);
		if (MediaType.named(mediaType).isEmpty()) {
			throw new MediaProbeException("data URI must be of type "
					+ Arrays.stream(MediaType.values()).map(MediaType::mediaType).collect(Collectors.joining(", "))
					+ ", not " + (mediaType.isEmpty() ? "an untyped one" : mediaType));
		}
		if (header.length < 2 || !header[header.length - 1].strip().equalsIgnoreCase("base64")) {
			throw new MediaProbeException("data URI must be base64-encoded (data:" + mediaType + ";base64,...)");
		}
		try {
			return Base64.getDecoder().decode(uri.substring(comma + 1));
		}
		catch (IllegalArgumentException ex) {
			throw new MediaProbeException("data URI is not valid base64", ex);
		}
	}

}
