package io.genjobs.gateway.common.web;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses a query parameter whose name or value holds U+0000 ({@code %00}) with
 * {@code 400 invalid-parameter}, on every route, before anything reads it: PostgreSQL
 * cannot take a NUL in text, so such a value would fail in the database as a 500 wherever
 * a listing filters on it. (Bodies are checked the same way by the validation; headers
 * with control characters never get past the HTTP server.)
 */
@Component
class QueryParameterFilter implements WebFilter, Ordered {

	/** After the body size check, before authentication: nothing is looked up for it. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		for (Map.Entry<String, List<String>> parameter : exchange.getRequest().getQueryParams().entrySet()) {
			// Named as sent: the problem document is JSON, which escapes whatever it
			// holds.
			String name = parameter.getKey().replace("\u0000", "%00");
			if (hasNul(parameter.getKey())
					|| parameter.getValue().stream().anyMatch((value) -> value != null && hasNul(value))) {
				return Mono.error(new InvalidParameterException(name, "must not contain NUL (%00)"));
			}
		}
		return chain.filter(exchange);
	}

	private static boolean hasNul(String text) {
		return text.indexOf('\u0000') >= 0;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
