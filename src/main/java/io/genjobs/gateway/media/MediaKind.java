package io.genjobs.gateway.media;

import java.util.Arrays;
import java.util.List;

/**
 * What a media input is: an image, a video or an audio file. A field's kind comes from
 * its schema ({@code image_uri}, {@code video_uris}, ...); a file's kind from its bytes.
 */
public enum MediaKind {

	IMAGE("image"), VIDEO("video"), AUDIO("audio");

	private final String noun;

	MediaKind(String noun) {
		this.noun = noun;
	}

	/** The word messages use: "image", "video", "audio". */
	public String noun() {
		return this.noun;
	}

	/** The media types of this kind, in the order messages list them. */
	public List<MediaType> types() {
		return Arrays.stream(MediaType.values()).filter((type) -> type.kind() == this).toList();
	}

}
