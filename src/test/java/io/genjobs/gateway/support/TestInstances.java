package io.genjobs.gateway.support;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

import io.genjobs.gateway.GatewayApplication;

/**
 * Another instance of the gateway beside a test's own context, as a scale-out instance
 * would run: the application alone (none of the test sources' beans), the test profile,
 * the same database, ports of its own.
 */
public final class TestInstances {

	private TestInstances() {
	}

	/**
	 * Starts an instance on {@code dataSource}'s database with random server and
	 * management ports. {@code settings} are given as command-line arguments, so that
	 * they win over application.yaml as they would on a real instance.
	 */
	public static ConfigurableApplicationContext start(HikariDataSource dataSource, Map<String, ?> settings) {
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("spring.datasource.url", dataSource.getJdbcUrl());
		arguments.put("spring.datasource.username", dataSource.getUsername());
		arguments.put("spring.datasource.password", dataSource.getPassword());
		arguments.put("server.port", "0");
		arguments.put("management.server.port", "0");
		arguments.putAll(settings);
		return new SpringApplicationBuilder(GatewayApplication.class).profiles("test")
			.initializers(
					(context) -> context.getBeanFactory().registerSingleton("mainClassesOnly", new MainClassesOnly()))
			.run(arguments.entrySet()
				.stream()
				.map((argument) -> "--" + argument.getKey() + "=" + argument.getValue())
				.toArray(String[]::new));
	}

	/** The instance's API port. */
	public static int port(ConfigurableApplicationContext instance) {
		return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
	}

	/** Leaves out the test sources' classes: the instance is the application alone. */
	private static final class MainClassesOnly extends TypeExcludeFilter {

		@Override
		public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
			try {
				return reader.getResource().getURL().toString().contains("/test-classes/");
			}
			catch (IOException ex) {
				return false;
			}
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof MainClassesOnly;
		}

		@Override
		public int hashCode() {
			return MainClassesOnly.class.hashCode();
		}

	}

}
