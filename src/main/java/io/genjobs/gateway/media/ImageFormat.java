package io.genjobs.gateway.media;

/** The image formats the gateway recognises by their bytes. */
public enum ImageFormat {

	PNG, JPEG

}
