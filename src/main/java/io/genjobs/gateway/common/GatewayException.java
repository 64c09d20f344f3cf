package io.genjobs.gateway.common;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An error the gateway answers to its client, named for what went wrong. It says what
 * kind of refusal it is, a stable {@code type} slug (documented in the README) that
 * clients can switch on, a title and a detail, and no HTTP: {@code common.web}'s
 * {@code ProblemResponses} maps each {@link Kind} to its status and headers, in one
 * place, and renders the error as {@code application/problem+json}.
 */
public abstract class GatewayException extends RuntimeException {

	private final Kind kind;

	private final String typeSlug;

	private final String title;

	private final Map<String, Object> extensions = new LinkedHashMap<>();

	private Duration retryAfter;

	protected GatewayException(Kind kind, String typeSlug, String title, String detail) {
		super(detail);
		this.kind = kind;
		this.typeSlug = typeSlug;
		this.title = title;
	}

	/** Adds a member to the problem document beside the standard ones. */
	protected final void extension(String name, Object value) {
		this.extensions.put(name, value);
	}

	/** When the client may try again (a {@code Retry-After} answer). */
	protected final void retryAfter(Duration delay) {
		this.retryAfter = delay;
	}

	public Kind kind() {
		return this.kind;
	}

	public String typeSlug() {
		return this.typeSlug;
	}

	public String title() {
		return this.title;
	}

	public String detail() {
		return getMessage();
	}

	public Map<String, Object> extensions() {
		return Collections.unmodifiableMap(this.extensions);
	}

	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	/** What kind of refusal an error is; each kind is one HTTP status. */
	public enum Kind {

		/** The request names something the gateway cannot use (a bad parameter). */
		BAD_REQUEST,

		/** No valid credential. */
		UNAUTHENTICATED,

		/** A valid credential that does not open this resource. */
		FORBIDDEN,

		/** No such resource, or another team's (answered the same). */
		NOT_FOUND,

		/** The resource's state does not allow the request. */
		CONFLICT,

		/** The request body is larger than the gateway accepts. */
		TOO_LARGE,

		/** A well-formed request that breaks the rules. */
		INVALID,

		/** A limit of the client's is reached: try again later. */
		LIMITED,

		/** The team's budget does not cover the request. */
		PAYMENT_REQUIRED,

		/** Something the gateway needs cannot be reached right now: try again later. */
		UNAVAILABLE

	}

}
