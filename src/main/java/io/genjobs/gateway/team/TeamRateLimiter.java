package io.genjobs.gateway.team;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.genjobs.gateway.common.web.HandlerRoutes;
import io.genjobs.gateway.common.web.HandlerRoutes.Route;

/**
 * Holds each team to its limits on the two requests that cost more than a read: job
 * submissions ({@code POST /jobs}, the team's {@code rate_limit_per_second}) and client
 * cancels ({@code POST /jobs/{id}/cancel}, which may call RunComfy:
 * {@code gateway.teams.cancel-rate-limit-per-second}), each with a token bucket that
 * allows a burst of one second's worth.
 * <p>
 * The limits apply to the route, not to the text of the path: the request is matched to
 * the handler that will serve it ({@link HandlerRoutes}), so {@code POST /jobs;x} or
 * {@code POST /j%6Fbs}, which reach the same handler, count like {@code POST /jobs}. Only
 * {@code POST} requests are looked up; nothing else is limited.
 * <p>
 * The buckets live in this instance's memory: with N gateway instances behind a load
 * balancer a team can get up to N times its limit. That is deliberate: this limit
 * protects an instance and smooths bursts, it needs no database round trip per request,
 * and the limits that must hold across instances (the upstream rate limit, the cap on
 * queued jobs) are kept in PostgreSQL.
 */
@Component
class TeamRateLimiter implements WebFilter, Ordered {

	static final String SUBMIT_PATTERN = "/jobs";

	static final String CANCEL_PATTERN = "/jobs/{id}/cancel";

	// A bucket refills completely within a second, so dropping one idle for a minute
	// loses nothing; the size bound caps the memory whatever the number of teams.
	private final Cache<BucketKey, TeamBucket> buckets = Caffeine.newBuilder()
		.maximumSize(20_000)
		.expireAfterAccess(Duration.ofMinutes(1))
		.build();

	private final HandlerRoutes routes;

	private final int cancelsPerSecond;

	TeamRateLimiter(HandlerRoutes routes, TeamSettings settings) {
		this.routes = routes;
		this.cancelsPerSecond = settings.cancelRateLimitPerSecond();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		TeamPrincipal team = exchange.getAttribute(TeamPrincipal.EXCHANGE_ATTRIBUTE);
		if (team == null || !HttpMethod.POST.equals(exchange.getRequest().getMethod())) {
			return chain.filter(exchange);
		}
		return this.routes.of(exchange).flatMap((route) -> {
			Limited limited = limitedAction(route);
			if (limited == null) {
				return chain.filter(exchange);
			}
			int limit = (limited == Limited.SUBMIT) ? team.rateLimitPerSecond() : this.cancelsPerSecond;
			ConsumptionProbe probe = bucketFor(team.id(), limited, limit).tryConsumeAndReturnRemaining(1);
			if (probe.isConsumed()) {
				return chain.filter(exchange);
			}
			return Mono.error(
					new RateLimitedException(limited.verb, limit, retryAfterSeconds(probe.getNanosToWaitForRefill())));
		});
	}

	private static Limited limitedAction(Route route) {
		if (route.is(HttpMethod.POST, SUBMIT_PATTERN)) {
			return Limited.SUBMIT;
		}
		if (route.is(HttpMethod.POST, CANCEL_PATTERN)) {
			return Limited.CANCEL;
		}
		return null;
	}

	/** The team's bucket for the action, rebuilt (full) when its limit has changed. */
	private Bucket bucketFor(UUID teamId, Limited action, int limit) {
		return this.buckets.asMap().compute(new BucketKey(teamId, action), (key, current) -> {
			if (current != null && current.limitPerSecond() == limit) {
				return current;
			}
			Bandwidth bandwidth = Bandwidth.builder()
				.capacity(limit)
				.refillGreedy(limit, Duration.ofSeconds(1))
				.build();
			return new TeamBucket(limit, Bucket.builder().addLimit(bandwidth).build());
		}).bucket();
	}

	/** Whole seconds for {@code Retry-After}, rounded up and at least one. */
	static long retryAfterSeconds(long nanosToWait) {
		long seconds = Duration.ofNanos(nanosToWait).toSeconds();
		if (Duration.ofSeconds(seconds).toNanos() < nanosToWait) {
			seconds++;
		}
		return Math.max(1, seconds);
	}

	@Override
	public int getOrder() {
		return AuthenticationFilter.ORDER + 1;
	}

	private enum Limited {

		SUBMIT("submit"), CANCEL("cancel");

		private final String verb;

		Limited(String verb) {
			this.verb = verb;
		}

	}

	private record BucketKey(UUID teamId, Limited action) {
	}

	private record TeamBucket(int limitPerSecond, Bucket bucket) {
	}

}
