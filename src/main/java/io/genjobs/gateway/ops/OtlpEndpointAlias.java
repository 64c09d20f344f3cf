package io.genjobs.gateway.ops;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Honours DESIGN's name of the trace export setting,
 * {@code management.otlp.tracing.endpoint}, which Spring Boot 4 renamed to
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} and no longer reads: when
 * only the old name is set (and not blank), its value is given under the new name. The
 * new name, when set, wins. Nothing is set otherwise, so tracing export stays off unless
 * one of the two is given.
 */
class OtlpEndpointAlias implements EnvironmentPostProcessor, Ordered {

	static final String DESIGN_NAME = "management.otlp.tracing.endpoint";

	static final String BOOT_NAME = "management.opentelemetry.tracing.export.otlp.endpoint";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String endpoint = environment.getProperty(DESIGN_NAME);
		if (endpoint == null || endpoint.isBlank() || environment.containsProperty(BOOT_NAME)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource("otlpEndpointAlias", Map.of(BOOT_NAME, endpoint.trim())));
	}

	@Override
	public int getOrder() {
		// After the configuration files and the environment are in.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
