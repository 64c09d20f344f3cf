package io.genjobs.gateway.ops;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing's defaults (DESIGN, "Operations"): spans are exported only where an operator
 * sets an OTLP endpoint, and nothing else of OpenTelemetry pushes anywhere unasked; ids
 * reach every plain log line.
 */
class TracingDefaultsTests {

	private final Properties application = application();

	@Test
	void noOtlpEndpointIsSetByDefaultSoNothingIsExported() {
		assertThat(this.application.stringPropertyNames())
			.noneMatch((name) -> name.startsWith("management.opentelemetry.tracing.export.otlp")
					|| name.startsWith("management.otlp"));
		// Its exporter would push metrics to localhost:4318 whatever the tracing
		// settings.
		assertThat(ClassUtils.isPresent("io.micrometer.registry.otlp.OtlpMeterRegistry", null)).isFalse();
		// Spans go out over the JDK's client when an endpoint is set.
		assertThat(ClassUtils.isPresent("io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSender", null)).isTrue();
	}

	@Test
	void samplingIsDocumentedAndEveryPlainLineCarriesTheTraceBeforeTeamAndJob() {
		assertThat(this.application.getProperty("management.tracing.sampling.probability"))
			.isEqualTo("${MANAGEMENT_TRACING_SAMPLING_PROBABILITY:1.0}");
		String correlation = this.application.getProperty("logging.pattern.correlation");
		assertThat(correlation).contains("trace_id=%X{traceId}", "span_id=%X{spanId}", "team_id=%X{team_id}",
				"job_id=%X{job_id}");
		assertThat(correlation.indexOf("trace_id")).isLessThan(correlation.indexOf("team_id"));
	}

	private static Properties application() {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new ClassPathResource("application.yaml"));
		return yaml.getObject();
	}

}
