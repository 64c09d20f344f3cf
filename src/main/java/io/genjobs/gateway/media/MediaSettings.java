package io.genjobs.gateway.media;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How input media files are fetched and probed.
 *
 * @param fetchTimeout the longest one image fetch may take, from name resolution to the
 * last byte read
 * @param probeCacheTtl how long a probe's answer (or definitive failure) is reused for
 * the same URL and size limit
 * @param probeCacheSize the most probe answers kept
 * @param probeCacheMaxBytes the most heap the kept answers may take, keys included
 * @param maxImageSize the size cap of an image field without a {@code file_size_mb} rule
 * (RunComfy's recommendation)
 * @param maxVideoSize the same for a video field
 * @param maxAudioSize the same for an audio field
 */
@ConfigurationProperties("gateway.media")
@Validated
record MediaSettings(@DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration fetchTimeout,
		@DefaultValue("60s") @NotNull @DurationMin(millis = 0) Duration probeCacheTtl,
		@DefaultValue("10000") @PositiveOrZero long probeCacheSize,
		@DefaultValue("16MB") @NotNull DataSize probeCacheMaxBytes,
		@DefaultValue("50MB") @NotNull DataSize maxImageSize, @DefaultValue("100MB") @NotNull DataSize maxVideoSize,
		@DefaultValue("50MB") @NotNull DataSize maxAudioSize) {

}
