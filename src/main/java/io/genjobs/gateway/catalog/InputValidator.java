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
import java.util.concurrent.Semaphore;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.media.MediaInfo;
import io.genjobs.gateway.media.MediaProbe;
import io.genjobs.gateway.media.MediaProbeException;
import io.genjobs.gateway.media.MediaType;

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
 * <li>every media URI string (an {@code image_uri}, an item of {@code video_uris}, ...)
 * must be an http(s) URL or a {@code data:<type>;base64,} URI; its file is then probed
 * (several in parallel, on virtual threads, at most {@value #PARALLEL_PROBES} at once),
 * must be of a format its field accepts (judged by the bytes), within its kind's size cap
 * when no {@code file_size_mb} rule bounds it, and is judged by the field's
 * {@code validations} rules, each failed rule reporting its own
 * {@code validation_error}.</li>
 * </ul>
 * All failures are reported together. A file is not probed when its field, or its array,
 * already failed the schema (a list of too many images is not fetched). Blocking: call it
 * from a virtual thread, never from an event-loop thread.
 */
@Component
public class InputValidator {

	/**
	 * The most errors one answer lists; a body of a million wrong array items gets the
	 * first ones and a count, not a million-line problem document.
	 */
	static final int MAX_ERRORS = 100;

	/** Files of one input probed at once at most. */
	static final int PARALLEL_PROBES = 8;

	private static final String ROOT = "input";

	private final ModelCatalog catalog;

	private final MediaProbe mediaProbe;

	InputValidator(ModelCatalog catalog, MediaProbe mediaProbe) {
		this.catalog = catalog;
		this.mediaProbe = mediaProbe;
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
		List<PendingMedia> images = new ArrayList<>();
		new Walk(failedFields, errors, images).visit(input, compiled.checks(), ROOT, false);
		errors.addAll(probe(images));
		ObjectNode withDefaults = (ObjectNode) input.deepCopy();
		compiled.checks().fillDefaults(withDefaults);
		return new CheckedInput(withDefaults, capped(errors));
	}

	/**
	 * Why a string cannot be a media input's URI, if it cannot. A data URI's type and
	 * data are checked by the probe.
	 */
	static Optional<String> mediaUriProblem(String value) {
		if (value.regionMatches(true, 0, "data:", 0, 5)) {
			int comma = value.indexOf(',');
			if (comma < 0 || !value.substring(0, comma).toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
				return Optional.of("must be a data:<media type>;base64, URI: only base64-encoded data is accepted");
			}
			return (comma + 1 < value.length()) ? Optional.empty() : Optional.of("is a data URI without data");
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
			return Optional.of("must be an http(s) URL or a data:<media type>;base64, URI");
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			return Optional.of("is not a valid URL: it names no host");
		}
		return Optional.empty();
	}

	private List<FieldError> probe(List<PendingMedia> files) {
		if (files.isEmpty()) {
			return List.of();
		}
		Semaphore permits = new Semaphore(PARALLEL_PROBES);
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<List<FieldError>>> results = files.stream().map((file) -> executor.submit(() -> {
				permits.acquire();
				try {
					return probe(file);
				}
				finally {
					permits.release();
				}
			})).toList();
			List<FieldError> errors = new ArrayList<>();
			for (Future<List<FieldError>> result : results) {
				errors.addAll(result.get());
			}
			return errors;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while probing input media", ex);
		}
		catch (ExecutionException ex) {
			// Not a MediaProbeException (those are field errors): a bug, not a bad
			// input.
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("Probing an input file failed", ex.getCause());
		}
	}

	private List<FieldError> probe(PendingMedia file) {
		MediaChecks checks = file.checks();
		String noun = checks.kind().noun();
		long maxBytes = checks.ruleMaxBytes().orElseGet(() -> this.mediaProbe.maxBytes(checks.kind()));
		MediaInfo info;
		try {
			info = this.mediaProbe.probe(file.uri(), checks.kind(), maxBytes);
		}
		catch (MediaProbeException ex) {
			String message = ex.unrecognised() ? noun + " is not " + formats(checks) : ex.getMessage();
			return List.of(new FieldError(file.field(), (message != null) ? message : "could not be read"));
		}
		if (!checks.accepted().contains(info.type())) {
			String other = (info.type().kind() != checks.kind()) ? " (" + info.type().kind().noun() + ")" : "";
			return List.of(new FieldError(file.field(),
					noun + " must be " + formats(checks) + ", got " + info.type().label() + other));
		}
		List<FieldError> errors = new ArrayList<>();
		if (checks.ruleMaxBytes().isEmpty() && info.sizeExceeded()) {
			errors.add(new FieldError(file.field(),
					noun + " is larger than the " + megabytes(maxBytes) + " limit for " + noun + " files"));
		}
		boolean dimensions = info.hasDimensions();
		// A file over its cap is not read further for its dimensions (an MP4's tail):
		// the size error says enough.
		if (!dimensions && checks.needsDimensions() && !info.sizeExceeded()) {
			errors.add(new FieldError(file.field(), noun + " dimensions could not be read from its header"));
		}
		// Two rules often share one message ("The shortest side must be at least 320
		// pixels." for width and height): the client reads it once.
		checks.rules()
			.stream()
			.filter((rule) -> dimensions || !rule.measuresDimensions())
			.filter((rule) -> !rule.passes(info))
			.map((rule) -> new FieldError(file.field(), rule.error()))
			.distinct()
			.forEach(errors::add);
		return errors;
	}

	/** "a JPEG or PNG", "an MP4, MOV or WebM". */
	private static String formats(MediaChecks checks) {
		List<String> labels = checks.kind()
			.types()
			.stream()
			.filter(checks.accepted()::contains)
			.map(MediaType::label)
			.toList();
		String list = (labels.size() == 1) ? labels.getFirst()
				: String.join(", ", labels.subList(0, labels.size() - 1)) + " or " + labels.getLast();
		return ("AEIMOU".indexOf(list.charAt(0)) >= 0 ? "an " : "a ") + list;
	}

	private static String megabytes(long bytes) {
		return (bytes % (1024 * 1024) == 0) ? (bytes / (1024 * 1024)) + " MB" : bytes + "-byte";
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

	/** A media file to probe once the whole input is walked. */
	private record PendingMedia(String field, String uri, MediaChecks checks) {
	}

	/**
	 * One pass over the input along the compiled checks. A field that already failed the
	 * schema gets no further messages (the schema's say what is wrong with it).
	 */
	private record Walk(Set<String> failedFields, Set<FieldError> errors, List<PendingMedia> files) {

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
			if (checks.media() != null && value.isString()) {
				Optional<String> problem = mediaUriProblem(value.stringValue());
				if (problem.isPresent()) {
					this.errors.add(new FieldError(field, problem.get()));
				}
				else if (!parentFailed) {
					this.files.add(new PendingMedia(field, value.stringValue(), checks.media()));
				}
			}
		}

	}

}
