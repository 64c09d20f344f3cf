package io.genjobs.gateway.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where and how the gateway keeps jobs' output files ({@code gateway.storage.*}; DESIGN,
 * "Outputs the gateway keeps").
 *
 * @param enabled whether outputs are copied at all (off: jobs succeed with RunComfy's
 * URLs, as the test profile runs most tests)
 * @param type {@code filesystem} (one machine) or {@code s3} (any S3-compatible store,
 * for several instances)
 * @param path where the filesystem store keeps outputs
 * @param s3 the S3-compatible store
 * @param urlTtl how long a signed output link works
 * @param copyTimeout how long copying a job's outputs may keep failing before the job
 * succeeds without them (with RunComfy's URLs and a warning)
 * @param retention how long output files are kept (a team may have its own)
 * @param maxOutputSize the largest file copied; a larger one is not copied
 * @param attemptTimeout how long one attempt at copying one file may take
 * @param idleTimeout how long a download may go without a byte before it counts as failed
 * @param maxConcurrentCopies files copied at once on this instance
 * @param lease how long a claimed copy is held by its instance without being renewed; a
 * copy whose instance died is taken over (and restarted) after this long
 * @param pollInterval how often an idle copier looks for due copies (a job that finishes
 * wakes its own instance's copier at once)
 * @param signingKey the key that signs output links: every instance must have the same
 * (by default derived from {@code GATEWAY_SECRETS_KEY})
 * @param pruneInterval how often retention runs
 * @param pruneBatchSize files deleted per retention batch
 */
@ConfigurationProperties("gateway.storage")
@Validated
record StorageSettings(@DefaultValue("true") boolean enabled, @DefaultValue("filesystem") @NotNull Type type,
		@DefaultValue("./data/outputs") @NotNull Path path, @DefaultValue @Valid @NotNull S3 s3,
		@DefaultValue("7d") @NotNull @DurationMin(seconds = 1) Duration urlTtl,
		@DefaultValue("10m") @NotNull Duration copyTimeout,
		@DefaultValue("30d") @NotNull @DurationMin(minutes = 1) Duration retention,
		@DefaultValue("5GB") @NotNull DataSize maxOutputSize,
		@DefaultValue("30m") @NotNull @DurationMin(seconds = 1) Duration attemptTimeout,
		@DefaultValue("60s") @NotNull @DurationMin(millis = 100) Duration idleTimeout,
		@DefaultValue("4") @Min(1) @Max(64) int maxConcurrentCopies,
		@DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration lease,
		@DefaultValue("2s") @NotNull @DurationMin(millis = 10) Duration pollInterval, @Nullable String signingKey,
		@DefaultValue("1h") @NotNull Duration pruneInterval, @DefaultValue("500") @Min(1) int pruneBatchSize) {

	/** The kinds of store. */
	enum Type {

		FILESYSTEM, S3

	}

	/**
	 * An S3-compatible store. Credentials come from the standard AWS chain (environment
	 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a profile, web identity,
	 * the instance or pod role).
	 *
	 * @param bucket the bucket (required with {@code type=s3})
	 * @param endpoint the store's URL for anything but AWS S3 (MinIO, R2, GCS interop)
	 * @param region the region ({@code us-east-1} when unset; R2 takes {@code auto})
	 * @param pathStyle whether to address the bucket in the path rather than the host
	 * (MinIO and most self-hosted stores need it)
	 * @param prefix a key prefix, to share a bucket
	 * @param publicEndpoint the store's URL as clients reach it, for the presigned URLs
	 * downloads are redirected to, when it differs from {@code endpoint} (a MinIO that
	 * the gateway reaches as {@code http://minio:9000} and clients as
	 * {@code http://localhost:9000}); default: {@code endpoint}
	 */
	record S3(@Nullable String bucket, @Nullable URI endpoint, @Nullable String region,
			@DefaultValue("false") boolean pathStyle, @DefaultValue("outputs/") String prefix,
			@Nullable URI publicEndpoint) {
	}

}
