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

/**
 * Holds each team to its {@code rate_limit_per_second} on {@code POST /jobs}, the only
 * request that counts, with a token bucket that allows a burst of one second's worth.
 * <p>
 * The buckets live in this instance's memory: with N gateway instances behind a load
 * balancer a team can get up to N times its limit. That is deliberate: this limit
 * protects an instance and smooths bursts, it needs no database round trip per request,
 * and the limits that must hold across instances (the upstream rate limit, the cap on
 * queued jobs) are kept in PostgreSQL.
 */
@Component
class JobSubmissionRateLimiter implements WebFilter, Ordered {

	// A bucket refills completely within a second, so dropping one idle for a minute
	// loses nothing; the size bound caps the memory whatever the number of teams.
	private final Cache<UUID, TeamBucket> buckets = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofMinutes(1))
		.build();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!isJobSubmission(exchange)) {
			return chain.filter(exchange);
		}
		TeamPrincipal team = exchange.getAttribute(TeamPrincipal.EXCHANGE_ATTRIBUTE);
		if (team == null) {
			return chain.filter(exchange);
		}
		ConsumptionProbe probe = bucketFor(team).tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			return chain.filter(exchange);
		}
		return Mono.error(new RateLimitedException(team.rateLimitPerSecond(),
				retryAfterSeconds(probe.getNanosToWaitForRefill())));
	}

	private static boolean isJobSubmission(ServerWebExchange exchange) {
		return HttpMethod.POST.equals(exchange.getRequest().getMethod())
				&& "/jobs".equals(exchange.getRequest().getPath().pathWithinApplication().value());
	}

	/** The team's bucket, rebuilt (full) when the team's limit has changed. */
	private Bucket bucketFor(TeamPrincipal team) {
		int limit = team.rateLimitPerSecond();
		return this.buckets.asMap().compute(team.id(), (id, current) -> {
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

	private record TeamBucket(int limitPerSecond, Bucket bucket) {
	}

}
