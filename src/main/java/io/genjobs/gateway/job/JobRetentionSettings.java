package io.genjobs.gateway.job;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long terminal jobs are kept.
 *
 * @param retention terminal jobs that finished longer ago are deleted
 * @param pruneInterval how often to look for them ({@code 0}: never, on this instance)
 * @param pruneBatchSize jobs deleted per transaction
 */
@ConfigurationProperties("gateway.jobs")
@Validated
record JobRetentionSettings(@DefaultValue("90d") @NotNull @DurationMin(hours = 1) Duration retention,
		@DefaultValue("1h") @NotNull @DurationMin(millis = 0) Duration pruneInterval,
		@DefaultValue("1000") @Positive int pruneBatchSize) {

}
