package io.genjobs.gateway.team;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.genjobs.gateway.common.web.HandlerRoutes;
import io.genjobs.gateway.common.web.ManagementServer;

/**
 * Authenticates every request before it reaches a controller: {@code /admin/**} with the
 * admin token, the API documentation without credentials, everything else with a team's
 * API key, whose {@link TeamPrincipal} then sits in the exchange for controllers to take
 * as a parameter (see {@link TeamPrincipalArgumentResolver}).
 * <p>
 * A request without a valid key to a path that no controller serves is let through to
 * answer 404 like any unknown route: the routes are public (the API documentation lists
 * them), so this tells a caller nothing, and it costs a route lookup only on requests
 * that fail authentication anyway.
 */
@Component
class AuthenticationFilter implements WebFilter, Ordered {

	/** Right after the body size check, before anything that needs to know the team. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final PathPattern ADMIN = PathPatternParser.defaultInstance.parse("/admin/**");

	// springdoc's paths: the OpenAPI document (JSON, YAML) and the Swagger UI.
	private static final List<PathPattern> PUBLIC = Stream
		.of("/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui/**", "/swagger-ui.html", "/webjars/**")
		.map(PathPatternParser.defaultInstance::parse)
		.toList();

	/**
	 * Output files, which a signed link opens without a key (the storage feature checks
	 * the signature).
	 */
	private static final PathPattern SIGNED_OUTPUT = PathPatternParser.defaultInstance.parse("/jobs/*/outputs/*");

	private final TeamAdministration administration;

	private final ApplicationContext applicationContext;

	private final HandlerRoutes routes;

	private final AuthenticationThrottle throttle;

	private final byte[] adminTokenDigest;

	// Key lookups that miss the cache are blocking JPA queries: they run on the executor
	// that Spring Boot also runs blocking controller methods on (virtual threads), never
	// on the event loop.
	private final Scheduler blocking;

	AuthenticationFilter(TeamAdministration administration, AdminSettings adminSettings,
			ApplicationContext applicationContext, HandlerRoutes routes, AuthenticationThrottle throttle,
			@Qualifier("applicationTaskExecutor") Executor executor) {
		AdminTokenPolicy.check(adminSettings, applicationContext.getEnvironment());
		this.administration = administration;
		this.applicationContext = applicationContext;
		this.routes = routes;
		this.throttle = throttle;
		this.adminTokenDigest = adminSettings.adminApiEnabled() ? ApiKeySecrets.sha256(adminSettings.adminToken())
				: null;
		this.blocking = Schedulers.fromExecutor(executor);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (ManagementServer.serves(exchange, this.applicationContext)) {
			return chain.filter(exchange);
		}
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		if (PUBLIC.stream().anyMatch((pattern) -> pattern.matches(path))) {
			return chain.filter(exchange);
		}
		Optional<String> token = BearerToken.from(exchange.getRequest());
		if (token.isPresent()) {
			Duration wait = this.throttle.waitFor(exchange.getRequest());
			if (wait.isPositive()) {
				return Mono.error(new AuthenticationThrottledException(wait));
			}
		}
		if (ADMIN.matches(path)) {
			return authenticateAdmin(token, exchange, chain);
		}
		if (token.isEmpty()) {
			boolean signed = exchange.getRequest().getQueryParams().containsKey("signature");
			return (signed && SIGNED_OUTPUT.matches(path)) ? chain.filter(exchange)
					: rejectUnlessUnknownRoute(exchange, chain);
		}
		return lookUp(token.get()).flatMap((owner) -> {
			if (owner.isEmpty()) {
				this.throttle.failed(exchange.getRequest());
				return rejectUnlessUnknownRoute(exchange, chain);
			}
			if (owner.get().disabled()) {
				return Mono.error(new TeamDisabledException());
			}
			exchange.getAttributes().put(TeamPrincipal.EXCHANGE_ATTRIBUTE, owner.get().principal());
			return chain.filter(exchange);
		});
	}

	private Mono<Void> authenticateAdmin(Optional<String> token, ServerWebExchange exchange, WebFilterChain chain) {
		if (this.adminTokenDigest == null) {
			return Mono.error(new AdminApiDisabledException());
		}
		if (token.isEmpty()) {
			return Mono.error(UnauthenticatedException.adminTokenRequired());
		}
		// Digests have one length whatever the token's, so the comparison's time tells
		// nothing about the admin token, not even its length.
		if (MessageDigest.isEqual(ApiKeySecrets.sha256(token.get()), this.adminTokenDigest)) {
			return chain.filter(exchange);
		}
		// A valid team key is told apart so that its holder learns why: keys never open
		// the admin API.
		return lookUp(token.get()).flatMap((principal) -> {
			if (principal.isPresent()) {
				return Mono.error(new AdminAccessDeniedException());
			}
			this.throttle.failed(exchange.getRequest());
			return Mono.error(UnauthenticatedException.adminTokenRequired());
		});
	}

	private Mono<Optional<KeyOwner>> lookUp(String key) {
		Optional<KeyOwner> cached = this.administration.cachedPrincipal(key);
		if (cached.isPresent() || this.administration.isKnownUnknown(key)) {
			return Mono.just(cached);
		}
		return Mono.fromCallable(() -> this.administration.authenticate(key)).subscribeOn(this.blocking);
	}

	private Mono<Void> rejectUnlessUnknownRoute(ServerWebExchange exchange, WebFilterChain chain) {
		return this.routes.of(exchange)
			.flatMap((route) -> route.exists() ? Mono.error(UnauthenticatedException.apiKeyRequired())
					: chain.filter(exchange));
	}

	/**
	 * Spring Boot applies the application's filters to the actuator's own server on the
	 * management port too (its child context inherits them). Operators reach that port
	 * without team keys, so requests served by a child context pass untouched; anything
	 * else, including an exchange without a context, is authenticated.
	 */
	@Override
	public int getOrder() {
		return ORDER;
	}

}
