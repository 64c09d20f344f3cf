package io.genjobs.gateway.job;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Deadlines on jobs (DESIGN, "Deadlines and priorities").
 *
 * @param maxAhead the furthest in the future a {@code deadline} (or {@code Cancel-After})
 * may lie; a job meant to wait longer needs none
 * @param checkInterval how often the deadline loop looks for passed deadlines ({@code 0}:
 * never, on this instance); a queued job is cancelled within about this much of its
 * deadline
 * @param batchSize jobs the loop handles per round
 * @param cancelRetryInterval how long after asking RunComfy to cancel a job (or after a
 * submit under way was asked to) the loop looks at it again
 */
@ConfigurationProperties("gateway.jobs.deadlines")
@Validated
record JobDeadlineSettings(@DefaultValue("7d") @NotNull @DurationMin(minutes = 1) Duration maxAhead,
		@DefaultValue("1s") @NotNull @DurationMin(millis = 0) Duration checkInterval,
		@DefaultValue("100") @Positive int batchSize,
		@DefaultValue("30s") @NotNull @DurationMin(millis = 100) Duration cancelRetryInterval) {

}
