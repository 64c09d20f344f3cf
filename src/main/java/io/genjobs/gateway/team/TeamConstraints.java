package io.genjobs.gateway.team;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.genjobs.gateway.common.web.FieldError;

/**
 * The rules a team's fields obey, in one place for the admin API (which adds JSON type
 * errors to these) and for {@link TeamAdministration}'s Java callers. Fields are named as
 * in the JSON body.
 */
final class TeamConstraints {

	static final String NAME = "name";

	static final String RATE_LIMIT_PER_SECOND = "rate_limit_per_second";

	static final String MAX_QUEUED_JOBS = "max_queued_jobs";

	static final String DISABLED = "disabled";

	static final String ALLOWED_MODELS = "allowed_models";

	static final String MONTHLY_BUDGET_USD = "monthly_budget_usd";

	static final String OUTPUT_RETENTION_DAYS = "output_retention_days";

	/** The longest retention of output files a team may have: ten years. */
	static final int MAX_OUTPUT_RETENTION_DAYS = 3650;

	static final int MAX_ALLOWED_MODELS = 100;

	static final int MAX_MODEL_PATTERN_LENGTH = 200;

	private static final Pattern MODEL_PATTERN = Pattern.compile("[A-Za-z0-9._/*-]+");

	static final int MAX_NAME_LENGTH = 100;

	private TeamConstraints() {
	}

	/** Errors of the given values; {@code null} values are not checked. */
	static List<FieldError> check(String name, Integer rateLimitPerSecond, Integer maxQueuedJobs) {
		List<FieldError> errors = new ArrayList<>();
		if (name != null) {
			checkName(name, errors);
		}
		if (rateLimitPerSecond != null) {
			checkPositive(RATE_LIMIT_PER_SECOND, rateLimitPerSecond, errors);
		}
		if (maxQueuedJobs != null) {
			checkPositive(MAX_QUEUED_JOBS, maxQueuedJobs, errors);
		}
		return errors;
	}

	/** Errors of a team's {@code allowed_models}; {@code null} patterns are fine. */
	static List<FieldError> checkAllowedModels(AllowedModels allowed) {
		List<FieldError> errors = new ArrayList<>();
		if (allowed == null || allowed.patterns() == null) {
			return errors;
		}
		List<String> patterns = allowed.patterns();
		if (patterns.size() > MAX_ALLOWED_MODELS) {
			errors.add(new FieldError(ALLOWED_MODELS, "must have at most " + MAX_ALLOWED_MODELS + " entries"));
			return errors;
		}
		for (int i = 0; i < patterns.size(); i++) {
			String pattern = patterns.get(i);
			if (pattern.isEmpty() || pattern.length() > MAX_MODEL_PATTERN_LENGTH
					|| !MODEL_PATTERN.matcher(pattern).matches()) {
				errors.add(new FieldError(ALLOWED_MODELS + "[" + i + "]", "must be a model id or a '*' glob: 1 to "
						+ MAX_MODEL_PATTERN_LENGTH + " letters, digits, '.', '_', '-', '/' or '*'"));
			}
		}
		return errors;
	}

	/**
	 * Names are stored without surrounding white space, so " acme" cannot shadow "acme".
	 */
	static String normalizeName(String name) {
		return (name != null) ? name.strip() : null;
	}

	private static void checkName(String name, List<FieldError> errors) {
		String normalized = normalizeName(name);
		if (normalized.isEmpty()) {
			errors.add(new FieldError(NAME, "must not be blank"));
		}
		else if (normalized.codePointCount(0, normalized.length()) > MAX_NAME_LENGTH) {
			errors.add(new FieldError(NAME, "must be at most " + MAX_NAME_LENGTH + " characters"));
		}
		else if (normalized.codePoints().anyMatch(Character::isISOControl)) {
			errors.add(new FieldError(NAME, "must not contain control characters"));
		}
	}

	private static void checkPositive(String field, int value, List<FieldError> errors) {
		if (value < 1) {
			errors.add(new FieldError(field, "must be a positive integer"));
		}
	}

}
