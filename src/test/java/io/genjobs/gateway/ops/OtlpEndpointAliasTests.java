package io.genjobs.gateway.ops;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN's {@code management.otlp.tracing.endpoint} reaches Boot 4's exporter setting.
 */
class OtlpEndpointAliasTests {

	@Test
	void shouldGiveTheDesignNamesValueUnderBootsName() {
		StandardEnvironment environment = environmentWith(
				Map.of(OtlpEndpointAlias.DESIGN_NAME, "http://127.0.0.1:4318/v1/traces"));
		new OtlpEndpointAlias().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(OtlpEndpointAlias.BOOT_NAME)).isEqualTo("http://127.0.0.1:4318/v1/traces");
	}

	@Test
	void shouldLetBootsNameWinAndSetNothingWhenNeitherOrABlankIsGiven() {
		StandardEnvironment both = environmentWith(Map.of(OtlpEndpointAlias.DESIGN_NAME, "http://127.0.0.1:1/old",
				OtlpEndpointAlias.BOOT_NAME, "http://127.0.0.1:2/new"));
		new OtlpEndpointAlias().postProcessEnvironment(both, new SpringApplication());
		assertThat(both.getProperty(OtlpEndpointAlias.BOOT_NAME)).isEqualTo("http://127.0.0.1:2/new");

		StandardEnvironment blank = environmentWith(Map.of(OtlpEndpointAlias.DESIGN_NAME, " "));
		new OtlpEndpointAlias().postProcessEnvironment(blank, new SpringApplication());
		assertThat(blank.containsProperty(OtlpEndpointAlias.BOOT_NAME)).isFalse();
	}

	@Test
	void shouldBeRegisteredForEveryStart() throws IOException {
		Properties factories = PropertiesLoaderUtils.loadProperties(new ClassPathResource("META-INF/spring.factories"));
		assertThat(factories.getProperty(EnvironmentPostProcessor.class.getName()))
			.contains(OtlpEndpointAlias.class.getName());
	}

	private static StandardEnvironment environmentWith(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
