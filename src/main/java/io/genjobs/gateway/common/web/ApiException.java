package io.genjobs.gateway.common.web;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An error answered as {@code application/problem+json} (RFC 9457). Subclasses are named
 * for what went wrong and carry a stable {@code type} slug, documented in the README,
 * that clients can switch on; {@link ProblemResponses} renders them.
 */
public abstract class ApiException extends RuntimeException {

	private static final String TYPE_BASE = "https://runcomfy-gateway.genjobs.io/problems/";

	private final HttpStatus status;

	private final String typeSlug;

	private final String title;

	private final Map<String, Object> extensions = new LinkedHashMap<>();

	private final HttpHeaders headers = new HttpHeaders();

	protected ApiException(HttpStatus status, String typeSlug, String title, String detail) {
		super(detail);
		this.status = status;
		this.typeSlug = typeSlug;
		this.title = title;
	}

	/** Adds a member to the problem document beside the standard ones. */
	protected final void extension(String name, Object value) {
		this.extensions.put(name, value);
	}

	/** Adds a response header, such as {@code Retry-After}. */
	protected final void header(String name, String value) {
		this.headers.set(name, value);
	}

	public HttpStatus status() {
		return this.status;
	}

	public URI type() {
		return URI.create(TYPE_BASE + this.typeSlug);
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

	public HttpHeaders headers() {
		return HttpHeaders.readOnlyHttpHeaders(this.headers);
	}

	/** Problem type URI for a slug, for the errors that are not {@code ApiException}s. */
	public static URI typeFor(String slug) {
		return URI.create(TYPE_BASE + slug);
	}

}
