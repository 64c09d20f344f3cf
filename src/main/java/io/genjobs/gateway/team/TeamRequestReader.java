package io.genjobs.gateway.team;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.common.web.ValidationFailedException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the admin API's team bodies from a JSON tree rather than by binding a record, so
 * that one answer can name every bad field at once: unknown fields, wrong types and
 * broken rules alike.
 */
final class TeamRequestReader {

	private static final Set<String> FIELDS = Set.of(TeamConstraints.NAME, TeamConstraints.RATE_LIMIT_PER_SECOND,
			TeamConstraints.MAX_QUEUED_JOBS, TeamConstraints.DISABLED, TeamConstraints.ALLOWED_MODELS,
			TeamConstraints.MONTHLY_BUDGET_USD, TeamConstraints.OUTPUT_RETENTION_DAYS);

	private TeamRequestReader() {
	}

	/**
	 * The body of {@code POST /admin/teams}: {@code name} is required; a missing or
	 * {@code null} limit takes the default.
	 */
	static TeamFields readNewTeam(JsonNode body) {
		return read(body, true);
	}

	/**
	 * The body of {@code PATCH /admin/teams/{id}}: a missing field keeps its value, and
	 * {@code null} is refused rather than guessed at.
	 */
	static TeamFields readChanges(JsonNode body) {
		return read(body, false);
	}

	private static TeamFields read(JsonNode body, boolean creating) {
		if (body == null || !body.isObject()) {
			throw ValidationFailedException.of("(body)", "must be a JSON object");
		}
		List<FieldError> errors = new ArrayList<>();
		for (Map.Entry<String, JsonNode> property : body.properties()) {
			if (!FIELDS.contains(property.getKey())) {
				errors.add(new FieldError(property.getKey(), "is not a known field"));
			}
		}
		String name = readName(body.get(TeamConstraints.NAME), creating, errors);
		Integer rate = readPositiveInt(TeamConstraints.RATE_LIMIT_PER_SECOND,
				body.get(TeamConstraints.RATE_LIMIT_PER_SECOND), creating, errors);
		Integer queued = readPositiveInt(TeamConstraints.MAX_QUEUED_JOBS, body.get(TeamConstraints.MAX_QUEUED_JOBS),
				creating, errors);
		Boolean disabled = readBoolean(TeamConstraints.DISABLED, body.get(TeamConstraints.DISABLED), creating, errors);
		AllowedModels allowed = readAllowedModels(body.get(TeamConstraints.ALLOWED_MODELS), errors);
		MonthlyBudget budget = readBudget(body.get(TeamConstraints.MONTHLY_BUDGET_USD), errors);
		OutputRetention retention = readRetention(body.get(TeamConstraints.OUTPUT_RETENTION_DAYS), errors);
		errors.addAll(TeamConstraints.check(name, rate, queued));
		errors.addAll(TeamConstraints.checkAllowedModels(allowed));
		if (!errors.isEmpty()) {
			throw new ValidationFailedException(errors);
		}
		return new TeamFields(name, rate, queued, disabled, allowed, budget, retention);
	}

	/**
	 * {@code output_retention_days}: absent keeps the team's, {@code null} goes back to
	 * {@code gateway.storage.retention}, a whole number of days sets it.
	 */
	private static OutputRetention readRetention(JsonNode node, List<FieldError> errors) {
		if (node == null) {
			return null;
		}
		if (node.isNull()) {
			return new OutputRetention(null);
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1
				|| node.intValue() > TeamConstraints.MAX_OUTPUT_RETENTION_DAYS) {
			errors.add(new FieldError(TeamConstraints.OUTPUT_RETENTION_DAYS, "must be a whole number of days from 1 to "
					+ TeamConstraints.MAX_OUTPUT_RETENTION_DAYS + ", or null for the gateway's retention"));
			return null;
		}
		return new OutputRetention(node.intValue());
	}

	private static Boolean readBoolean(String field, JsonNode node, boolean creating, List<FieldError> errors) {
		if (node == null || (node.isNull() && creating)) {
			return null;
		}
		if (!node.isBoolean()) {
			errors.add(new FieldError(field, node.isNull() ? "must not be null" : "must be true or false"));
			return null;
		}
		return node.booleanValue();
	}

	/**
	 * {@code allowed_models}: absent keeps the team's, {@code null} allows every enabled
	 * model, an array of strings allows those.
	 */
	private static AllowedModels readAllowedModels(JsonNode node, List<FieldError> errors) {
		if (node == null) {
			return null;
		}
		if (node.isNull()) {
			return AllowedModels.all();
		}
		if (!node.isArray()) {
			errors.add(new FieldError(TeamConstraints.ALLOWED_MODELS,
					"must be an array of model ids or '*' globs, or null for every enabled model"));
			return null;
		}
		List<String> patterns = new ArrayList<>();
		for (int i = 0; i < node.size(); i++) {
			if (!node.get(i).isString()) {
				errors.add(new FieldError(TeamConstraints.ALLOWED_MODELS + "[" + i + "]", "must be a string"));
			}
			else {
				patterns.add(node.get(i).stringValue());
			}
		}
		return new AllowedModels(patterns);
	}

	/**
	 * {@code monthly_budget_usd}: absent keeps the team's, {@code null} removes it, a
	 * non-negative number (at most a billion, cents at most to six decimals) sets it.
	 */
	private static MonthlyBudget readBudget(JsonNode node, List<FieldError> errors) {
		if (node == null) {
			return null;
		}
		if (node.isNull()) {
			return MonthlyBudget.none();
		}
		if (!node.isNumber()) {
			errors.add(new FieldError(TeamConstraints.MONTHLY_BUDGET_USD,
					"must be a number of USD, or null for no limit"));
			return null;
		}
		BigDecimal usd = node.decimalValue();
		if (usd.signum() < 0 || usd.compareTo(MonthlyBudget.MAX) > 0) {
			errors.add(new FieldError(TeamConstraints.MONTHLY_BUDGET_USD,
					"must be between 0 and " + MonthlyBudget.MAX.toPlainString()));
			return null;
		}
		if (usd.stripTrailingZeros().scale() > 6) {
			errors.add(new FieldError(TeamConstraints.MONTHLY_BUDGET_USD, "must have at most 6 decimal places"));
			return null;
		}
		return new MonthlyBudget(usd);
	}

	private static String readName(JsonNode node, boolean creating, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			if (creating || node != null) {
				errors.add(new FieldError(TeamConstraints.NAME, creating ? "is required" : "must not be null"));
			}
			return null;
		}
		if (!node.isString()) {
			errors.add(new FieldError(TeamConstraints.NAME, "must be a string"));
			return null;
		}
		return node.stringValue();
	}

	private static Integer readPositiveInt(String field, JsonNode node, boolean creating, List<FieldError> errors) {
		if (node == null || (node.isNull() && creating)) {
			return null;
		}
		if (node.isNull()) {
			errors.add(new FieldError(field, "must not be null"));
			return null;
		}
		if (!node.isIntegralNumber()) {
			errors.add(new FieldError(field, "must be an integer"));
			return null;
		}
		if (!node.canConvertToInt()) {
			BigInteger value = node.bigIntegerValue();
			errors.add(new FieldError(field,
					(value.signum() > 0) ? "must be at most " + Integer.MAX_VALUE : "must be a positive integer"));
			return null;
		}
		return node.intValue();
	}

	/** Field values of a request; {@code null} means not given. */
	record TeamFields(String name, Integer rateLimitPerSecond, Integer maxQueuedJobs, Boolean disabled,
			AllowedModels allowedModels, MonthlyBudget monthlyBudget, OutputRetention outputRetention) {
	}

}
