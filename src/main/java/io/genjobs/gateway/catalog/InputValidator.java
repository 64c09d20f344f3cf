package io.genjobs.gateway.catalog;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.media.ImageInfo;
import io.genjobs.gateway.media.ImageProbe;
import io.genjobs.gateway.media.ImageProbeException;

import org.springframework.stereotype.Component;

/**
 * Checks a job's input against its model's input schema, the way README's "Validation"
 * section reads:
 * <ul>
 * <li>the JSON Schema (types, required fields, lengths, enums, item counts), with unknown
 * fields rejected wherever the schema declares {@code properties} and does not allow
 * others;</li>
 * <li>a required string must not be blank;</li>
 * <li>an {@code integer} must be written as one ({@code 1.0} and {@code 1e3} are not) and
 * fit in 64 bits;</li>
 * <li>every {@code image_uri} string must be an http(s) URL or a
 * {@code data:image/png|jpeg;base64,} URI; its image is then probed (several in parallel,
 * on virtual threads) and judged by the field's {@code validations} rules, each failed
 * rule reporting its own {@code validation_error}.</li>
 * </ul>
 * All failures are reported together. An image is not probed when its field, or its
 * array, already failed the schema (a list of too many images is not fetched). Blocking:
 * call it from a virtual thread, never from an event-loop thread.
 */
@Component
public class InputValidator {

	/**
	 * The most errors one answer lists; a body of a million wrong array items gets the
	 * first ones and a count, not a million-line problem document.
	 */
	static final int MAX_ERRORS = 100;

	private static final String ROOT = "input";

	private static final List<String> DATA_URI_PREFIXES = List.of("data:image/png;base64,", "data:image/jpeg;base64,");

	private final ModelCatalog catalog;

	private final ImageProbe imageProbe;

	InputValidator(ModelCatalog catalog, ImageProbe imageProbe) {
		this.catalog = catalog;
		this.imageProbe = imageProbe;
	}

	/**
	 * Checks one input.
	 * @param model a model of the catalog
	 * @param input the job's {@code input}, as the client sent it (not changed)
	 * @return the input with defaults filled in, and every error found
	 * @throws IllegalArgumentException when the model is not from the catalog
	 */
	public CheckedInput check(Model model, JsonNode input) {
		CompiledModel compiled = this.catalog.compiled(model);
		if (input == null || input.isMissingNode()) {
			return rejected(new FieldError(ROOT, "is required"));
		}
		if (!input.isObject()) {
			return rejected(new FieldError(ROOT, "must be a JSON object, got " + SchemaErrors.describe(input)));
		}
		Set<FieldError> errors = new LinkedHashSet<>(
				SchemaErrors.toFieldErrors(compiled.schema().validate(input), ROOT));
		Set<String> failedFields = new LinkedHashSet<>();
		errors.forEach((error) -> failedFields.add(error.field()));
		List<PendingImage> images = new ArrayList<>();
		new Walk(failedFields, errors, images).visit(input, compiled.checks(), ROOT, false);
		errors.addAll(probe(images));
		ObjectNode withDefaults = (ObjectNode) input.deepCopy();
		compiled.checks().fillDefaults(withDefaults);
		return new CheckedInput(withDefaults, capped(errors));
	}

	/**
	 * Why a string cannot be an input image's URI, if it cannot.
	 */
	static Optional<String> imageUriProblem(String value) {
		if (value.regionMatches(true, 0, "data:", 0, 5)) {
			for (String prefix : DATA_URI_PREFIXES) {
				if (value.startsWith(prefix)) {
					return (value.length() > prefix.length()) ? Optional.empty()
							: Optional.of("is a data URI without image data");
				}
			}
			return Optional
				.of("must be a data:image/png;base64, or data:image/jpeg;base64, URI: only base64-encoded PNG and"
						+ " JPEG images are accepted");
		}
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			return Optional.of("is not a valid URL: " + ex.getReason());
		}
		String scheme = uri.getScheme();
		if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
			return Optional.of("must be an http(s) URL or a data:image/png;base64, or data:image/jpeg;base64, URI");
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			return Optional.of("is not a valid URL: it names no host");
		}
		return Optional.empty();
	}

	private List<FieldError> probe(List<PendingImage> images) {
		if (images.isEmpty()) {
			return List.of();
		}
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<List<FieldError>>> results = images.stream()
				.map((image) -> executor.submit(() -> probe(image)))
				.toList();
			List<FieldError> errors = new ArrayList<>();
			for (Future<List<FieldError>> result : results) {
				errors.addAll(result.get());
			}
			return errors;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while probing input images", ex);
		}
		catch (ExecutionException ex) {
			// Not an ImageProbeException (those are field errors): a bug, not a bad
			// input.
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("Probing an input image failed", ex.getCause());
		}
	}

	private List<FieldError> probe(PendingImage image) {
		ImageInfo info;
		try {
			info = this.imageProbe.probe(image.uri(), image.checks().maxBytes());
		}
		catch (ImageProbeException ex) {
			String message = ex.getMessage();
			return List.of(new FieldError(image.field(), (message != null) ? message : "could not be read"));
		}
		// Two rules often share one message ("The shortest side must be at least 320
		// pixels." for width and height): the client reads it once.
		return image.checks()
			.rules()
			.stream()
			.filter((rule) -> !rule.passes(info))
			.map((rule) -> new FieldError(image.field(), rule.error()))
			.distinct()
			.toList();
	}

	private static List<FieldError> capped(Set<FieldError> errors) {
		if (errors.size() <= MAX_ERRORS) {
			return List.copyOf(errors);
		}
		List<FieldError> first = new ArrayList<>(errors).subList(0, MAX_ERRORS - 1);
		List<FieldError> listed = new ArrayList<>(first);
		listed.add(new FieldError(ROOT, (errors.size() - first.size()) + " more errors are not listed"));
		return listed;
	}

	private static CheckedInput rejected(FieldError error) {
		return new CheckedInput(JsonNodeFactory.instance.objectNode(), List.of(error));
	}

	/** An image to probe once the whole input is walked. */
	private record PendingImage(String field, String uri, ImageChecks checks) {
	}

	/**
	 * One pass over the input along the compiled checks. A field that already failed the
	 * schema gets no further messages (the schema's say what is wrong with it).
	 */
	private record Walk(Set<String> failedFields, Set<FieldError> errors, List<PendingImage> images) {

		void visit(JsonNode value, FieldChecks checks, String field, boolean parentFailed) {
			boolean failed = this.failedFields.contains(field);
			if (value.isObject()) {
				for (Map.Entry<String, FieldChecks> property : checks.properties().entrySet()) {
					JsonNode child = value.get(property.getKey());
					if (child != null) {
						String childField = SchemaErrors.child(field, property.getKey());
						if (checks.required().contains(property.getKey()) && property.getValue().string()
								&& child.isString() && child.stringValue().isBlank()
								&& !this.failedFields.contains(childField)) {
							this.errors.add(new FieldError(childField, "must not be blank"));
						}
						visit(child, property.getValue(), childField, parentFailed || failed);
					}
				}
			}
			else if (value.isArray() && checks.items() != null) {
				for (int i = 0; i < value.size(); i++) {
					visit(value.get(i), checks.items(), field + "[" + i + "]", parentFailed || failed);
				}
			}
			if (failed) {
				return;
			}
			if (checks.integer() && value.isNumber()) {
				if (!value.isIntegralNumber()) {
					this.errors.add(new FieldError(field, "must be an integer, got " + value));
				}
				else if (!value.canConvertToLong()) {
					this.errors.add(new FieldError(field, "must be an integer between " + Long.MIN_VALUE + " and "
							+ Long.MAX_VALUE + ", got " + SchemaErrors.brief(value)));
				}
			}
			if (checks.image() != null && value.isString()) {
				Optional<String> problem = imageUriProblem(value.stringValue());
				if (problem.isPresent()) {
					this.errors.add(new FieldError(field, problem.get()));
				}
				else if (!parentFailed) {
					this.images.add(new PendingImage(field, value.stringValue(), checks.image()));
				}
			}
		}

	}

}
