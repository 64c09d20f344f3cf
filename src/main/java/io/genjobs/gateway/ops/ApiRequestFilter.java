package io.genjobs.gateway.ops;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.genjobs.gateway.common.web.ManagementServer;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * A filter for the API's requests only: the management server's pass straight through
 * ({@link ManagementServer}).
 */
abstract class ApiRequestFilter implements WebFilter, Ordered {

	private final ApplicationContext application;

	ApiRequestFilter(ApplicationContext application) {
		this.application = application;
	}

	@Override
	public final Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (ManagementServer.serves(exchange, this.application)) {
			return chain.filter(exchange);
		}
		return filterApiRequest(exchange, chain);
	}

	/** {@link #filter} for a request to the API. */
	abstract Mono<Void> filterApiRequest(ServerWebExchange exchange, WebFilterChain chain);

	/**
	 * The team the request was authenticated as: {@code null} until authentication has
	 * run, and on routes that need no API key.
	 */
	static @Nullable TeamPrincipal team(ServerWebExchange exchange) {
		return exchange.getAttribute(TeamPrincipal.EXCHANGE_ATTRIBUTE);
	}

}
