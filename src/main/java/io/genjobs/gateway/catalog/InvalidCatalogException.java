package io.genjobs.gateway.catalog;

import java.util.List;

/**
 * The model files cannot make a catalog; thrown at start-up, which it stops. The message
 * lists every problem, each naming the file, the place in it and what is wrong.
 */
class InvalidCatalogException extends IllegalStateException {

	private final List<String> problems;

	InvalidCatalogException(List<String> problems) {
		super("The model catalog (gateway.catalog.locations) is invalid:\n - " + String.join("\n - ", problems));
		this.problems = List.copyOf(problems);
	}

	List<String> problems() {
		return this.problems;
	}

}
