package io.genjobs.gateway.catalog;

import java.util.List;

/**
 * A model's input schema the gateway cannot honour (an unknown {@code validation_rule} or
 * media format, a broken JSON Schema); the message lists every problem. A synced model
 * with such a schema is unavailable; a local file with one stops start-up.
 */
class UnusableSchemaException extends IllegalArgumentException {

	private final List<String> problems;

	UnusableSchemaException(List<String> problems) {
		super("The input schema cannot be used: " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	/** Every problem, each naming its place in the schema. */
	List<String> problems() {
		return this.problems;
	}

}
