package io.genjobs.gateway.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.DataUriSummaries;
import io.genjobs.gateway.catalog.CatalogEntry;
import io.genjobs.gateway.catalog.CheckedInput;
import io.genjobs.gateway.catalog.InputValidator;
import io.genjobs.gateway.catalog.Model;
import io.genjobs.gateway.catalog.ModelCatalog;
import io.genjobs.gateway.catalog.ModelUnavailableException;
import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.common.web.InvalidParameterException;
import io.genjobs.gateway.common.web.ValidationFailedException;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundRefusedException;
import io.genjobs.gateway.spend.CostEstimator;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * Reads a {@code POST /jobs} body into a {@link NewJob}, checking everything DESIGN.md
 * lists before anything is stored: the envelope (known members, their types), the model,
 * the model's input (with its images probed), the webhook target and the metadata. Every
 * failure is collected and reported in one {@link ValidationFailedException}.
 */
@Component
class JobRequests {

	static final int METADATA_MAX_BYTES = 4 * 1024;

	static final int WEBHOOK_URL_MAX_LENGTH = 2048;

	private static final Set<String> MEMBERS = Set.of("model", "input", "webhook_url", "webhook_events", "metadata",
			"priority", "deadline");

	/** The most values {@link #valueErrors} lists; the rest are counted. */
	static final int MAX_VALUE_ERRORS = 20;

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

	private final ModelCatalog catalog;

	private final InputValidator validator;

	private final OutboundGuard outboundGuard;

	private final JsonMapper jsonMapper;

	private final JsonMapper canonicalMapper;

	private final JobDeadlineSettings deadlines;

	private final Clock clock;

	JobRequests(ModelCatalog catalog, InputValidator validator, OutboundGuard outboundGuard, JsonMapper jsonMapper,
			JobDeadlineSettings deadlines, Clock clock) {
		this.deadlines = deadlines;
		this.clock = clock;
		this.catalog = catalog;
		this.validator = validator;
		this.outboundGuard = outboundGuard;
		this.jsonMapper = jsonMapper;
		this.canonicalMapper = jsonMapper.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
	}

	/**
	 * A hash of the body's content (members in any order, any whitespace), which tells an
	 * {@code Idempotency-Key} retry from a different request.
	 */
	String hash(JsonNode body) {
		// Text UTF-8 cannot encode has no canonical bytes: such a body is refused first
		// (and so is any other value no job may hold).
		List<FieldError> valueErrors = valueErrors(body);
		if (!valueErrors.isEmpty()) {
			throw new ValidationFailedException(valueErrors);
		}
		Object plain = this.jsonMapper.treeToValue(body, Object.class);
		byte[] canonical = this.canonicalMapper.writeValueAsBytes(plain);
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The job {@code body} asks for; {@code cancelAfter} is the request's
	 * {@code Cancel-After} header (seconds), another way to give its deadline.
	 */
	NewJob read(TeamPrincipal team, JsonNode body, String idempotencyKey, String requestHash, String cancelAfter) {
		if (body == null || !body.isObject()) {
			throw ValidationFailedException.of("(body)", "must be a JSON object");
		}
		Instant now = this.clock.instant();
		Instant headerDeadline = JobDeadlineInput.cancelAfter(cancelAfter, now, this.deadlines.maxAhead());
		if (headerDeadline != null && body.get("deadline") != null && !body.get("deadline").isNull()) {
			throw new InvalidParameterException("Cancel-After",
					"and a deadline in the body were both given; send one of them");
		}
		List<FieldError> errors = new ArrayList<>();
		for (Map.Entry<String, JsonNode> member : body.properties()) {
			if (!MEMBERS.contains(member.getKey())) {
				errors.add(new FieldError(member.getKey(), "unknown field"));
			}
		}
		errors.addAll(valueErrors(body));
		CatalogEntry entry = readModel(team, body.get("model"), errors);
		Model model = (entry != null) ? entry.model() : null;
		JsonNode input = readInput(model, body.get("input"), errors);
		String webhookUrl = readWebhookUrl(body.get("webhook_url"), errors);
		String webhookEvents = readWebhookEvents(body.get("webhook_events"), webhookUrl, errors);
		String metadata = readMetadata(body.get("metadata"), errors);
		JobPriority priority = JobDeadlineInput.priority(body.get("priority"), errors);
		Instant deadline = (headerDeadline != null) ? headerDeadline
				: JobDeadlineInput.deadline(body.get("deadline"), now, this.deadlines.maxAhead(), errors);
		if (!errors.isEmpty()) {
			throw new ValidationFailedException(errors);
		}
		JsonNode shown = DataUriSummaries.summarize(input);
		String forwarded = (shown != input) ? this.jsonMapper.writeValueAsString(input) : null;
		return new NewJob(model.id(), this.jsonMapper.writeValueAsString(shown), forwarded, metadata, webhookUrl,
				webhookEvents, idempotencyKey, requestHash, entry.schemaHash(), entry.fetchedAt(),
				CostEstimator.estimate(entry.basePriceUsd(), entry.priceUnit(), entry.inputSchema(), input), priority,
				deadline);
	}

	/**
	 * Values anywhere in the body that the gateway cannot store and send on as they were
	 * sent: strings and member names with U+0000 (which PostgreSQL's {@code jsonb} and
	 * {@code text} refuse) or an unpaired UTF-16 surrogate (which a JSON escape such as
	 * backslash-u-d800 can write, but UTF-8 cannot encode), and numbers beyond a double's
	 * range ({@code 1e400} reads as infinity, which would be written back as the string
	 * {@code "Infinity"}).
	 */
	static List<FieldError> valueErrors(JsonNode body) {
		List<FieldError> errors = new ArrayList<>();
		if (body == null) {
			return errors;
		}
		int[] more = { 0 };
		collectValueErrors(body, null, errors, more);
		if (more[0] > 0) {
			errors.add(new FieldError("(body)", more[0] + " more values like these are not listed"));
		}
		return errors;
	}

	private static void collectValueErrors(JsonNode node, String field, List<FieldError> errors, int[] more) {
		if (node.isString()) {
			textProblem(node.stringValue())
				.ifPresent((problem) -> add(errors, more, (field != null) ? field : "(body)", problem));
		}
		else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
			add(errors, more, (field != null) ? field : "(body)",
					"is a number beyond the range of a 64-bit floating-point number (about 1.8e308)");
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collectValueErrors(node.get(i), ((field != null) ? field : "(body)") + "[" + i + "]", errors, more);
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> member : node.properties()) {
				String name = member.getKey();
				String child = (field == null) ? name : field + (IDENTIFIER.matcher(name).matches() ? "." + name
						: "[" + JsonNodeFactory.instance.stringNode(name) + "]");
				textProblem(name).ifPresent((problem) -> add(errors, more, child, "member name " + problem));
				collectValueErrors(member.getValue(), child, errors, more);
			}
		}
	}

	private static void add(List<FieldError> errors, int[] more, String field, String problem) {
		if (errors.size() < MAX_VALUE_ERRORS) {
			errors.add(new FieldError(field, problem));
		}
		else {
			more[0]++;
		}
	}

	private static Optional<String> textProblem(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == 0) {
				return Optional.of("must not contain the NUL character (\\u0000)");
			}
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return Optional.of("is not valid Unicode: it has an unpaired surrogate (\\u"
						+ HexFormat.of().toHexDigits(c) + ")");
			}
		}
		return Optional.empty();
	}

	/**
	 * The catalog entry of the job's model: the default model when it names none. A model
	 * the team may not use is as unknown as one that does not exist; an unavailable one
	 * is refused at once ({@code model-unavailable}): there is no schema to check the
	 * input against.
	 */
	private CatalogEntry readModel(TeamPrincipal team, JsonNode node, List<FieldError> errors) {
		String id;
		if (node == null || node.isNull()) {
			id = this.catalog.defaultModel().id();
		}
		else if (!node.isString()) {
			errors.add(new FieldError("model", "must be a string"));
			return null;
		}
		else {
			id = node.stringValue();
		}
		CatalogEntry entry = this.catalog.entry(id, team.allowedModels()).orElse(null);
		if (entry == null) {
			errors.add(new FieldError("model",
					"unknown model '" + id + "', or one this team may not use; GET /models lists the models"));
			return null;
		}
		if (!entry.available()) {
			throw ModelUnavailableException.of(entry);
		}
		return entry;
	}

	private JsonNode readInput(Model model, JsonNode node, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			errors.add(new FieldError("input", "is required"));
			return null;
		}
		if (!node.isObject()) {
			errors.add(new FieldError("input", "must be a JSON object"));
			return null;
		}
		if (model == null) {
			return null;
		}
		CheckedInput checked = this.validator.check(model, node);
		errors.addAll(checked.errors());
		return checked.valid() ? checked.input() : null;
	}

	private String readWebhookUrl(JsonNode node, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			errors.add(new FieldError("webhook_url", "must be a string"));
			return null;
		}
		String url = node.stringValue();
		if (url.length() > WEBHOOK_URL_MAX_LENGTH) {
			errors.add(new FieldError("webhook_url", "must be at most " + WEBHOOK_URL_MAX_LENGTH + " characters"));
			return null;
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			errors.add(new FieldError("webhook_url", "is not a valid URL"));
			return null;
		}
		try {
			this.outboundGuard.check(uri);
		}
		catch (OutboundRefusedException ex) {
			errors.add(new FieldError("webhook_url", ex.getMessage()));
			return null;
		}
		return url;
	}

	private String readWebhookEvents(JsonNode node, String webhookUrl, List<FieldError> errors) {
		Set<String> events = new LinkedHashSet<>();
		if (node == null || node.isNull()) {
			JobEventType.TERMINAL.forEach((type) -> events.add(type.wireName()));
		}
		else if (!node.isArray()) {
			errors.add(new FieldError("webhook_events", "must be an array of event types"));
			return null;
		}
		else {
			for (int i = 0; i < node.size(); i++) {
				JsonNode item = node.get(i);
				if (item.isString() && JobEventType.fromWireName(item.stringValue()).isPresent()) {
					events.add(item.stringValue());
				}
				else {
					errors.add(new FieldError("webhook_events[" + i + "]",
							"must be one of job.submitted, job.running, job.succeeded, job.failed, job.cancelled"));
				}
			}
			// An empty list without a URL asks for nothing: generated clients send one
			// for
			// an unset list member.
			if (webhookUrl == null && !node.isEmpty()
					&& !errors.stream().anyMatch((e) -> e.field().startsWith("webhook_url"))) {
				errors.add(new FieldError("webhook_events", "needs a webhook_url to send the events to"));
			}
		}
		return (webhookUrl != null) ? this.jsonMapper.writeValueAsString(events) : null;
	}

	private String readMetadata(JsonNode node, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isObject()) {
			errors.add(new FieldError("metadata", "must be a JSON object"));
			return null;
		}
		String json = this.jsonMapper.writeValueAsString(node);
		int bytes = json.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > METADATA_MAX_BYTES) {
			errors.add(new FieldError("metadata",
					"must be at most " + METADATA_MAX_BYTES + " bytes as compact JSON (is " + bytes + ")"));
			return null;
		}
		return json;
	}

}
