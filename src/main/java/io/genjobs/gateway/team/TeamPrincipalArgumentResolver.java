package io.genjobs.gateway.team;

import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.SyncHandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gives controller methods that declare a {@link TeamPrincipal} parameter the team that
 * {@link AuthenticationFilter} authenticated.
 */
class TeamPrincipalArgumentResolver implements SyncHandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return TeamPrincipal.class.equals(parameter.getParameterType());
	}

	@Override
	public Object resolveArgumentValue(MethodParameter parameter, BindingContext bindingContext,
			ServerWebExchange exchange) {
		Object principal = exchange.getAttribute(TeamPrincipal.EXCHANGE_ATTRIBUTE);
		if (principal == null) {
			// Only on routes the filter lets through without a key (admin, API docs): a
			// controller there must not act for a team.
			throw UnauthenticatedException.apiKeyRequired();
		}
		return principal;
	}

}
