package io.genjobs.gateway.common.web;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.resource.ResourceWebHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Which route serves a request, found the way the {@link DispatcherHandler} will find it,
 * for filters that run before it: a rule that applies to a route (a rate limit, "this
 * route needs a key") then holds however the client spells the path. {@code /jobs;x},
 * {@code /j%6Fbs} and {@code /jobs} all reach {@code POST /jobs}; matching the text of
 * the path would tell them apart, matching the route does not.
 * <p>
 * The answer is kept in the exchange, so a request is looked up at most once before the
 * dispatcher looks it up again to serve it.
 */
@Component
public class HandlerRoutes {

	/** The exchange attribute holding the {@link Route} a filter looked up. */
	public static final String ROUTE_ATTRIBUTE = HandlerRoutes.class.getName() + ".route";

	private final ObjectProvider<DispatcherHandler> dispatcherHandler;

	HandlerRoutes(ObjectProvider<DispatcherHandler> dispatcherHandler) {
		this.dispatcherHandler = dispatcherHandler;
	}

	/**
	 * The route that will serve the exchange. Boot's static resource handler matches
	 * every path, so finding only that one means there is no route; a handler mapping
	 * that finds the path but refuses the request (wrong method, unsupported media type)
	 * has found a route without a pattern, which the dispatcher will answer with that
	 * refusal.
	 */
	public Mono<Route> of(ServerWebExchange exchange) {
		Route known = exchange.getAttribute(ROUTE_ATTRIBUTE);
		if (known != null) {
			return Mono.just(known);
		}
		return Flux.fromIterable(this.dispatcherHandler.getObject().getHandlerMappings())
			.concatMap((mapping) -> mapping.getHandler(exchange))
			.next()
			.map((handler) -> (handler instanceof ResourceWebHandler) ? Route.NONE
					: Route.of(exchange.getRequest().getMethod(),
							exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)))
			.onErrorResume((ex) -> Mono.just(Route.REFUSED))
			.defaultIfEmpty(Route.NONE)
			.doOnNext((route) -> exchange.getAttributes().put(ROUTE_ATTRIBUTE, route));
	}

	/**
	 * The pattern of the route that served (or was found for) the exchange so far,
	 * without looking anything up: {@code null} before routing, and for requests no route
	 * serves.
	 */
	public static @Nullable String patternSoFar(ServerWebExchange exchange) {
		PathPattern served = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		if (served != null) {
			return served.getPatternString();
		}
		Route found = exchange.getAttribute(ROUTE_ATTRIBUTE);
		return (found != null) ? found.pattern() : null;
	}

	/**
	 * A route as found.
	 *
	 * @param exists whether a handler serves the path
	 * @param method the request's method, when a handler serves it
	 * @param pattern the path pattern of the handler that serves the request (for example
	 * {@code /jobs/{id}/cancel}); {@code null} when none does
	 */
	public record Route(boolean exists, @Nullable HttpMethod method, @Nullable String pattern) {

		static final Route NONE = new Route(false, null, null);

		static final Route REFUSED = new Route(true, null, null);

		static Route of(HttpMethod method, @Nullable Object pattern) {
			return (pattern instanceof PathPattern path) ? new Route(true, method, path.getPatternString()) : REFUSED;
		}

		/** Whether this is the route of {@code method} and {@code pattern}. */
		public boolean is(HttpMethod method, String pattern) {
			return method.equals(this.method) && pattern.equals(this.pattern);
		}

	}

}
