package io.genjobs.gateway.storage;

import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.genjobs.gateway.job.JobOutputCopies;
import io.genjobs.gateway.job.JobTraces;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.team.TeamOutputRetention;

/**
 * The storage feature's parts: the store {@code gateway.storage.type} names, the link
 * signer, the copier and its work loop, retention and the store's health.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

	@Bean(destroyMethod = "")
	OutputStore outputStore(StorageSettings settings) {
		return switch (settings.type()) {
			case FILESYSTEM -> new FilesystemOutputStore(settings.path());
			case S3 -> S3OutputStore.create(settings.s3());
		};
	}

	/**
	 * Links are absolute, on the public port: {@code gateway.public-base-url} (what
	 * clients and webhook consumers reach the gateway by, behind any proxy), else this
	 * instance's own port on localhost, which is right only for local use.
	 */
	@Bean
	LinkSigner linkSigner(StorageSettings settings, Environment environment, Clock clock,
			@Value("${gateway.public-base-url:}") String publicBaseUrl) {
		String secret = settings.signingKey();
		if (secret == null || secret.isBlank()) {
			throw new IllegalStateException("gateway.storage.signing-key (by default GATEWAY_SECRETS_KEY) must be set:"
					+ " it signs the output links");
		}
		Supplier<String> base = publicBaseUrl.isBlank()
				? () -> "http://localhost:"
						+ environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"))
				: () -> publicBaseUrl.replaceAll("/+$", "");
		return new LinkSigner(secret, base, settings.urlTtl(), clock);
	}

	@Bean
	StorageMetrics storageMetrics(MeterRegistry meters) {
		return new StorageMetrics(meters);
	}

	@Bean
	OutputCopyWorker outputCopyWorker(JobOutputCopies copies, OutboundGuard guard, OutputStore store,
			StoredOutputs stored, StorageSettings settings, StorageMetrics metrics, Clock clock, JobTraces traces) {
		OutputCopier copier = new OutputCopier(new OutputDownloads(guard, settings.idleTimeout()), store,
				stored::record, settings, clock);
		return new OutputCopyWorker(copies, copier, store, stored, settings, metrics, clock, traces);
	}

	@Bean
	OutputRetention outputRetention(StoredOutputs stored, OutputStore store, TeamOutputRetention teams,
			StorageSettings settings, StorageMetrics metrics, Clock clock) {
		return new OutputRetention(stored, store, teams, settings, metrics, clock);
	}

	@Bean
	OutputLinks outputLinks(StorageSettings settings, LinkSigner signer, OutputCopyWorker worker) {
		return new OutputLinks(settings, signer, worker);
	}

	/**
	 * {@code outputStorage} in health: {@code DOWN} when the store cannot be written to
	 * (the folder) or reached (the bucket); outputs then wait and are retried until
	 * {@code copy-timeout}.
	 */
	@Bean
	HealthIndicator outputStorageHealthIndicator(OutputStore store, StorageSettings settings) {
		return () -> {
			if (!settings.enabled()) {
				return Health.up().withDetail("copying", "off (gateway.storage.enabled=false)").build();
			}
			try {
				store.check();
				return Health.up().withDetail("store", store.describe()).build();
			}
			catch (IOException | RuntimeException ex) {
				return Health.down().withDetail("store", store.describe()).withDetail("error", ex.getMessage()).build();
			}
		};
	}

}
