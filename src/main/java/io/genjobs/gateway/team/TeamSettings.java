package io.genjobs.gateway.team;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits a new team gets when its creator does not name them.
 *
 * @param defaultRateLimitPerSecond {@code POST /jobs} requests per second
 * @param defaultMaxQueuedJobs jobs {@code queued} at once
 * @param keyCacheTtl how long an authenticated API key is remembered at most (changes
 * reach every instance at once through a notification; this bounds changes made behind
 * the gateway's back); zero reads every key from the database
 * @param cancelRateLimitPerSecond {@code POST /jobs/{id}/cancel} requests per second of
 * every team (a cancel may call RunComfy, whose rate limit all teams share)
 * @param authFailuresPerMinute failed authentications one client address may make per
 * minute (a burst of as many) before its credentials are refused unchecked
 * @param unknownKeyCacheTtl how long a key that authenticated nothing is answered 401
 * without a database read; zero reads it every time
 */
@ConfigurationProperties("gateway.teams")
@Validated
record TeamSettings(@DefaultValue("50") @Positive int defaultRateLimitPerSecond,
		@DefaultValue("1000") @Positive int defaultMaxQueuedJobs, @DefaultValue("60s") Duration keyCacheTtl,
		@DefaultValue("5") @Positive int cancelRateLimitPerSecond,
		@DefaultValue("30") @Positive int authFailuresPerMinute, @DefaultValue("10s") Duration unknownKeyCacheTtl) {
}
