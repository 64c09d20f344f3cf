package io.genjobs.gateway.catalog;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;

/**
 * A job's input after {@link InputValidator#check}.
 *
 * @param input the input with the schema defaults of absent optional fields filled in (a
 * copy: the input given is not changed); an empty object when the input was not an object
 * at all
 * @param errors every failed field, named by JSON path ({@code input.image_urls[0]});
 * empty when the input is valid
 */
public record CheckedInput(ObjectNode input, List<FieldError> errors) {

	public CheckedInput {
		errors = List.copyOf(errors);
	}

	public boolean valid() {
		return this.errors.isEmpty();
	}

}
