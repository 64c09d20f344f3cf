package io.genjobs.gateway.webhook;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How webhook events are delivered ({@code gateway.webhooks.*}).
 *
 * @param enabled whether this instance delivers webhooks at all (every instance records
 * events either way)
 * @param retrySchedule the waits between attempts, for example
 * {@code 5s,5m,30m,2h,5h,10h,14h,20h,24h}
 * @param jitter how far each wait is spread either way, as a fraction of it
 * @param timeout how long one attempt may take, connecting included
 * @param pollInterval how often an idle worker looks for due deliveries (new events wake
 * the worker of the instance that wrote them at once)
 * @param lease how long a claimed delivery is reserved for the worker that claimed it; a
 * worker that dies mid-attempt leaves it to others after this long. Longer than
 * {@code timeout}, so that a live worker never loses a claim it is still using
 * @param maxConcurrentAttempts attempts in flight at once on this instance
 * @param maxConcurrentPerHost attempts in flight at once to one consumer host
 * ({@code host:port}), all instances together, so that a slow or dead consumer holds at
 * most this many of the workers' slots
 * @param batchSize the most deliveries one claim takes
 * @param secretRotationGrace how long a team's previous secret keeps signing after a
 * rotation
 * @param retention how long finished deliveries, their attempts and events are kept
 * @param pruneInterval how often retention runs
 * @param pruneBatchSize rows deleted per retention transaction
 * @param maxEndpointsPerTeam the most endpoints a team may have (disabled ones count
 * until they are deleted)
 */
@ConfigurationProperties("gateway.webhooks")
@Validated
record WebhookSettings(@DefaultValue("true") boolean enabled,
		@DefaultValue("5s,5m,30m,2h,5h,10h,14h,20h,24h") @NotNull RetrySchedule retrySchedule,
		@DefaultValue("0.1") @DecimalMin("0") @DecimalMax("0.5") double jitter,
		@DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration timeout,
		@DefaultValue("1s") @NotNull @DurationMin(millis = 10) Duration pollInterval,
		@DefaultValue("60s") @NotNull Duration lease, @DefaultValue("64") @Min(1) int maxConcurrentAttempts,
		@DefaultValue("8") @Min(1) int maxConcurrentPerHost, @DefaultValue("32") @Min(1) int batchSize,
		@DefaultValue("24h") @NotNull Duration secretRotationGrace,
		@DefaultValue("30d") @NotNull @DurationMin(minutes = 1) Duration retention,
		@DefaultValue("1h") @NotNull @DurationMin(millis = 10) Duration pruneInterval,
		@DefaultValue("1000") @Min(1) int pruneBatchSize, @DefaultValue("20") @Min(1) int maxEndpointsPerTeam) {

	@AssertTrue(message = "gateway.webhooks.lease must be longer than gateway.webhooks.timeout (by a second at least)")
	boolean isLeaseLongerThanTimeout() {
		return this.lease != null && this.timeout != null && this.lease.compareTo(this.timeout.plusSeconds(1)) >= 0;
	}

}
