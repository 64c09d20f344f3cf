package io.genjobs.gateway.team;

import java.net.InetSocketAddress;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Slows down guessing: every failed authentication (an unknown or revoked API key, a
 * wrong admin token) takes one token from its client address's bucket, which holds
 * {@code gateway.teams.auth-failures-per-minute} and refills as fast. While a bucket is
 * empty, every request from that address that carries a credential is refused with
 * {@code 429 authentication-throttled} before its credential is looked at, so a guess
 * costs neither a database read nor a chance to succeed. Requests without credentials are
 * not counted (they guess nothing).
 * <p>
 * The client address is the connection's peer (or what the forwarded-headers support of
 * {@code server.forward-headers-strategy} makes of it behind a trusted proxy). Buckets
 * live in this instance's memory, at most {@value #MAX_ADDRESSES} of them.
 */
@Component
class AuthenticationThrottle {

	static final int MAX_ADDRESSES = 100_000;

	private final int perMinute;

	// An empty bucket is full again after a minute: one idle for two loses nothing.
	private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
		.maximumSize(MAX_ADDRESSES)
		.expireAfterAccess(Duration.ofMinutes(2))
		.build();

	AuthenticationThrottle(TeamSettings settings) {
		this.perMinute = settings.authFailuresPerMinute();
	}

	/**
	 * How long the request's address must wait before its credentials are checked again:
	 * zero when they may be checked now.
	 */
	Duration waitFor(ServerHttpRequest request) {
		Bucket bucket = this.buckets.getIfPresent(address(request));
		if (bucket == null) {
			return Duration.ZERO;
		}
		EstimationProbe probe = bucket.estimateAbilityToConsume(1);
		return probe.canBeConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
	}

	/** Counts a failed authentication against the request's address. */
	void failed(ServerHttpRequest request) {
		this.buckets.get(address(request), (address) -> newBucket()).tryConsume(1);
	}

	private Bucket newBucket() {
		return Bucket.builder()
			.addLimit(Bandwidth.builder()
				.capacity(this.perMinute)
				.refillGreedy(this.perMinute, Duration.ofMinutes(1))
				.build())
			.build();
	}

	private static String address(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		if (remote == null || remote.getAddress() == null) {
			return "(unknown)";
		}
		return remote.getAddress().getHostAddress();
	}

}
