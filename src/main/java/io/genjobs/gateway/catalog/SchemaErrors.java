package io.genjobs.gateway.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import io.genjobs.gateway.common.web.FieldError;

/**
 * Turns the JSON Schema library's errors into field errors a client can act on: the field
 * named by its JSON path ({@code input.image_urls[0]}), the message saying what is
 * expected in plain words. The library's own wording ("integer found, string expected")
 * is kept only for keywords no model uses yet.
 */
final class SchemaErrors {

	private static final int BRIEF_LENGTH = 40;

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

	private SchemaErrors() {
	}

	/**
	 * The field errors of a validation, one per failure. A value of the wrong type gets
	 * only its type error: that it is also not among an enum's values, say, adds nothing.
	 */
	static List<FieldError> toFieldErrors(List<Error> errors, String root) {
		Set<String> mistyped = new HashSet<>();
		List<FieldError> fieldErrors = new ArrayList<>(errors.size());
		List<Boolean> typeErrors = new ArrayList<>(errors.size());
		for (Error error : errors) {
			FieldError fieldError = toFieldError(error, root);
			boolean typeError = "type".equals(error.getKeyword());
			if (typeError) {
				mistyped.add(fieldError.field());
			}
			fieldErrors.add(fieldError);
			typeErrors.add(typeError);
		}
		List<FieldError> kept = new ArrayList<>(fieldErrors.size());
		for (int i = 0; i < fieldErrors.size(); i++) {
			if (typeErrors.get(i) || !mistyped.contains(fieldErrors.get(i).field())) {
				kept.add(fieldErrors.get(i));
			}
		}
		return kept;
	}

	static FieldError toFieldError(Error error, String root) {
		String field = path(root, error.getInstanceLocation());
		JsonNode schema = error.getSchemaNode();
		JsonNode instance = error.getInstanceNode();
		String keyword = String.valueOf(error.getKeyword());
		return switch (keyword) {
			case "required" -> new FieldError(child(field, error.getProperty()), "is required");
			case "additionalProperties", "unevaluatedProperties" ->
				new FieldError(child(field, error.getProperty()), "is not a known field");
			case "type" -> new FieldError(field, "must be " + expectedTypes(schema) + ", got " + describe(instance));
			case "maxLength" ->
				new FieldError(field, "must be at most " + plural(schema, "character") + ", got " + length(instance));
			case "minLength" ->
				new FieldError(field, "must be at least " + plural(schema, "character") + ", got " + length(instance));
			case "maxItems" ->
				new FieldError(field, "must have at most " + plural(schema, "item") + ", got " + instance.size());
			case "minItems" ->
				new FieldError(field, "must have at least " + plural(schema, "item") + ", got " + instance.size());
			case "enum" -> new FieldError(field,
					"must be one of " + StreamSupport.stream(schema.spliterator(), false)
						.map(JsonNode::toString)
						.collect(Collectors.joining(", ")) + ", got " + brief(instance));
			case "const" -> new FieldError(field, "must be " + schema + ", got " + brief(instance));
			case "minimum" -> new FieldError(field, "must be at least " + schema + ", got " + brief(instance));
			case "maximum" -> new FieldError(field, "must be at most " + schema + ", got " + brief(instance));
			case "exclusiveMinimum" ->
				new FieldError(field, "must be greater than " + schema + ", got " + brief(instance));
			case "exclusiveMaximum" ->
				new FieldError(field, "must be less than " + schema + ", got " + brief(instance));
			case "pattern" -> new FieldError(field, "must match the pattern " + schema);
			default -> new FieldError(field, error.getMessage());
		};
	}

	/** The JSON path of a node below {@code root}: {@code input.image_urls[0]}. */
	static String path(String root, NodePath location) {
		StringBuilder path = new StringBuilder(root);
		for (int i = 0; i < location.getNameCount(); i++) {
			Object element = location.getElement(i);
			if (element instanceof Integer index) {
				path.append('[').append(index).append(']');
			}
			else {
				path.append(segment(String.valueOf(element)));
			}
		}
		return path.toString();
	}

	static String child(String parent, String name) {
		return parent + segment(name);
	}

	/**
	 * A property as a path segment: {@code .prompt}, or {@code ["odd name"]} for names
	 * that would not read as one.
	 */
	static String segment(String name) {
		return IDENTIFIER.matcher(name).matches() ? "." + name : "[" + JsonNodeFactory.instance.stringNode(name) + "]";
	}

	/** A JSON value's type in words, for "must be an integer, got a string". */
	static String describe(JsonNode value) {
		if (value == null || value.isMissingNode()) {
			return "nothing";
		}
		if (value.isNull()) {
			return "null";
		}
		if (value.isString()) {
			return "a string";
		}
		if (value.isIntegralNumber()) {
			return "an integer";
		}
		if (value.isNumber()) {
			return "a number";
		}
		if (value.isBoolean()) {
			return "a boolean";
		}
		return value.isArray() ? "an array" : "an object";
	}

	/**
	 * A value as JSON, shortened: messages echo what the client sent, which may be a
	 * megabyte-long string.
	 */
	static String brief(JsonNode value) {
		String json = String.valueOf(value);
		return (json.length() <= BRIEF_LENGTH) ? json : json.substring(0, BRIEF_LENGTH) + "…";
	}

	private static String expectedTypes(JsonNode type) {
		if (type.isArray()) {
			return StreamSupport.stream(type.spliterator(), false)
				.map((each) -> article(each.asString()))
				.collect(Collectors.joining(" or "));
		}
		return article(type.asString());
	}

	private static String article(String type) {
		return switch (type) {
			case "null" -> "null";
			case "integer", "object", "array" -> "an " + type;
			default -> "a " + type;
		};
	}

	private static String plural(JsonNode count, String noun) {
		return count + " " + noun + (count.asInt() == 1 ? "" : "s");
	}

	/** String length as JSON Schema counts it: in code points, not UTF-16 units. */
	private static int length(JsonNode string) {
		String value = string.asString();
		return value.codePointCount(0, value.length());
	}

}
