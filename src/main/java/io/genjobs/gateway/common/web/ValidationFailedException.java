package io.genjobs.gateway.common.web;

import java.util.List;

import io.genjobs.gateway.common.GatewayException;

/**
 * The request was well-formed JSON but broke one or more rules; every failed field is
 * listed at once in the problem's {@code errors} member.
 */
public class ValidationFailedException extends GatewayException {

	private final List<FieldError> errors;

	public ValidationFailedException(List<FieldError> errors) {
		super(Kind.INVALID, "validation-failed", "Validation failed", describe(errors));
		this.errors = List.copyOf(errors);
		extension("errors", this.errors);
	}

	public static ValidationFailedException of(String field, String message) {
		return new ValidationFailedException(List.of(new FieldError(field, message)));
	}

	public List<FieldError> errors() {
		return this.errors;
	}

	private static String describe(List<FieldError> errors) {
		return (errors.size() == 1) ? "1 field is invalid: " + errors.get(0).field()
				: errors.size() + " fields are invalid";
	}

}
