package io.genjobs.gateway.catalog;

import java.util.List;

/**
 * The problems found in one model's schema, each prefixed with the file's name (none for
 * a schema that comes from RunComfy's catalog).
 */
final class CatalogProblems {

	private final String file;

	private final List<String> sink;

	private int count;

	CatalogProblems(String file, List<String> sink) {
		this.file = file;
		this.sink = sink;
	}

	void add(String problem) {
		this.sink.add((this.file != null) ? this.file + ": " + problem : problem);
		this.count++;
	}

	void at(String where, String problem) {
		add(where + ": " + problem);
	}

	int count() {
		return this.count;
	}

	boolean any() {
		return this.count > 0;
	}

}
