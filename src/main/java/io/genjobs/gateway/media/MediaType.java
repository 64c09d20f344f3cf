package io.genjobs.gateway.media;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The media formats the gateway recognises by their bytes, each with its registered media
 * type (the name {@code x-media-types} and {@code data:} URIs use) and a few names
 * clients also write for it.
 */
public enum MediaType {

	JPEG(MediaKind.IMAGE, "JPEG", "image/jpeg", "image/jpg", "image/pjpeg"),
	PNG(MediaKind.IMAGE, "PNG", "image/png", "image/x-png"), WEBP(MediaKind.IMAGE, "WebP", "image/webp"),
	MP4(MediaKind.VIDEO, "MP4", "video/mp4"), MOV(MediaKind.VIDEO, "MOV", "video/quicktime"),
	WEBM(MediaKind.VIDEO, "WebM", "video/webm"), MP3(MediaKind.AUDIO, "MP3", "audio/mpeg", "audio/mp3", "audio/mpeg3"),
	WAV(MediaKind.AUDIO, "WAV", "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"),
	FLAC(MediaKind.AUDIO, "FLAC", "audio/flac", "audio/x-flac"), OGG(MediaKind.AUDIO, "Ogg", "audio/ogg"),
	M4A(MediaKind.AUDIO, "M4A", "audio/mp4", "audio/x-m4a", "audio/m4a");

	private final MediaKind kind;

	private final String label;

	private final String name;

	private final List<String> aliases;

	MediaType(MediaKind kind, String label, String name, String... aliases) {
		this.kind = kind;
		this.label = label;
		this.name = name;
		this.aliases = List.of(aliases);
	}

	public MediaKind kind() {
		return this.kind;
	}

	/** The format's usual name, for messages: "JPEG", "WebM". */
	public String label() {
		return this.label;
	}

	/** The registered media type: {@code image/jpeg}. */
	public String mediaType() {
		return this.name;
	}

	/**
	 * The format a media type names, matched without regard to case and parameters
	 * ({@code audio/x-wav} and {@code Audio/WAV; codecs=1} both name WAV).
	 */
	public static Optional<MediaType> named(String mediaType) {
		String bare = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
		return Arrays.stream(values())
			.filter((type) -> type.name.equals(bare) || type.aliases.contains(bare))
			.findFirst();
	}

}
