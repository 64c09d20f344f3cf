package io.genjobs.gateway.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

import org.springframework.core.io.Resource;

/**
 * Where output files live: the filesystem ({@link FilesystemOutputStore}) or an
 * S3-compatible store ({@link S3OutputStore}). Keys are {@code {job id}/{n}}.
 */
sealed interface OutputStore permits FilesystemOutputStore, S3OutputStore {

	/**
	 * Stores what {@code content} yields under {@code key}, replacing what was there, all
	 * or nothing: a reader never sees part of a file. Reads the stream to its end with a
	 * bounded buffer; never holds the whole file.
	 */
	void put(String key, InputStream content, String contentType) throws IOException;

	/** Deletes the files (a missing one is no error). */
	void delete(List<String> keys) throws IOException;

	/** Throws when the store cannot be used (for health). */
	void check() throws IOException;

	/** How the file is served: read from here, or redirected to. */
	sealed interface Served permits Local, Redirect {

	}

	/** A file this instance streams itself (Range and all). */
	record Local(Resource resource) implements Served {
	}

	/** A short-lived URL of the store that serves the file itself. */
	record Redirect(String url) implements Served {
	}

	/** How {@code key} is served, its {@code Content-Type} being {@code contentType}. */
	Served serve(String key, String contentType, Duration linkTtl);

	/** For health and logs: what the store is. */
	String describe();

}
