package io.genjobs.gateway.job;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Waiting for a job ({@code Prefer: wait}) and streaming its events ({@code GET
 * /jobs/{id}/events}).
 *
 * @param streamKeepAlive how often an idle event stream gets a comment line, so that
 * proxies keep it open
 * @param streamMaxDuration a stream ends after this long even when its job has not
 * finished (the client resumes with {@code Last-Event-ID})
 * @param streamBuffer state changes held for one stream client that is not reading; a
 * client further behind is dropped
 * @param maxWatchersPerInstance streams and waits open at once on this instance
 * @param maxWatchersPerTeam streams and waits open at once for one team, on this instance
 */
@ConfigurationProperties("gateway.jobs")
@Validated
record JobStreamSettings(@DefaultValue("15s") @NotNull @DurationMin(millis = 10) Duration streamKeepAlive,
		@DefaultValue("1h") @NotNull @DurationMin(seconds = 1) Duration streamMaxDuration,
		@DefaultValue("16") @Positive int streamBuffer, @DefaultValue("2000") @Positive int maxWatchersPerInstance,
		@DefaultValue("200") @Positive int maxWatchersPerTeam) {

}
