package io.genjobs.gateway.support.fuzz;

import java.util.List;

/**
 * A public route as its handler mapping declares it, for the route fuzz test.
 *
 * @param method the HTTP method it serves
 * @param pattern its path pattern, e.g. {@code /jobs/{id}/cancel} or
 * {@code /models/{*id}}
 * @param queryParameters the query parameters its handler reads
 * @param headers the request headers its handler reads
 * @param consumesJson whether it takes a JSON body
 */
public record FuzzRoute(String method, String pattern, List<String> queryParameters, List<String> headers,
		boolean consumesJson) {

	/** Whether the admin token, not a team key, opens it. */
	public boolean admin() {
		return this.pattern.startsWith("/admin/");
	}

	@Override
	public String toString() {
		return this.method + " " + this.pattern;
	}

}
