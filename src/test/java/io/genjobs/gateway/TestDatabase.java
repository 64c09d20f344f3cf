package io.genjobs.gateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The real PostgreSQL every integration test runs against, in a database of its own for
 * each test run (JVM):
 * <ul>
 * <li>{@code GATEWAY_TEST_DATABASE_URL} set (a JDBC URL of a server to create databases
 * on, user and password from {@code GATEWAY_TEST_DATABASE_USER} /
 * {@code GATEWAY_TEST_DATABASE_PASSWORD}): a fresh database on that server;</li>
 * <li>otherwise, where Docker works: a Testcontainers PostgreSQL;</li>
 * <li>otherwise: a fresh database on the server at localhost:5432 (user
 * {@code postgres}).</li>
 * </ul>
 * A database created on a server is dropped when the JVM exits.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabase {

	private static final String URL_VARIABLE = "GATEWAY_TEST_DATABASE_URL";

	@Bean
	@ServiceConnection
	@Conditional(UseContainer.class)
	PostgreSQLContainer postgresContainer() {
		return new PostgreSQLContainer("postgres:17-alpine");
	}

	@Bean
	@Conditional(UseServer.class)
	DynamicPropertyRegistrar serverDatabaseProperties() {
		ServerDatabase database = ServerDatabase.get();
		return (registry) -> {
			registry.add("spring.datasource.url", database::url);
			registry.add("spring.datasource.username", database::user);
			registry.add("spring.datasource.password", database::password);
		};
	}

	/**
	 * JDBC URL, user and password of this run's database, for tests that connect on their
	 * own.
	 */
	public static ServerDatabase serverDatabase() {
		return ServerDatabase.get();
	}

	static boolean useContainer() {
		return Choice.CONTAINER == Choice.get();
	}

	private enum Choice {

		CONTAINER, SERVER;

		private static volatile Choice choice;

		static Choice get() {
			if (choice == null) {
				synchronized (Choice.class) {
					if (choice == null) {
						choice = decide();
					}
				}
			}
			return choice;
		}

		private static Choice decide() {
			if (System.getenv(URL_VARIABLE) != null) {
				return SERVER;
			}
			try {
				return DockerClientFactory.instance().isDockerAvailable() ? CONTAINER : SERVER;
			}
			catch (Throwable ex) {
				return SERVER;
			}
		}

	}

	static class UseContainer implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Choice.get() == Choice.CONTAINER;
		}

	}

	static class UseServer implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Choice.get() == Choice.SERVER;
		}

	}

	/** A database created for this JVM on an existing server, dropped at exit. */
	public record ServerDatabase(String url, String user, String password) {

		private static volatile ServerDatabase instance;

		static ServerDatabase get() {
			if (instance == null) {
				synchronized (ServerDatabase.class) {
					if (instance == null) {
						instance = create();
					}
				}
			}
			return instance;
		}

		private static ServerDatabase create() {
			String serverUrl = env(URL_VARIABLE, "jdbc:postgresql://localhost:5432/postgres");
			String user = env("GATEWAY_TEST_DATABASE_USER", "postgres");
			String password = env("GATEWAY_TEST_DATABASE_PASSWORD", "");
			String name = "gateway_test_" + ProcessHandle.current().pid() + "_"
					+ UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
			execute(serverUrl, user, password, "create database " + name);
			Runtime.getRuntime()
				.addShutdownHook(new Thread(
						() -> execute(serverUrl, user, password, "drop database if exists " + name + " with (force)"),
						"drop-test-database"));
			return new ServerDatabase(withDatabase(serverUrl, name), user, password);
		}

		private static String withDatabase(String serverUrl, String name) {
			int query = serverUrl.indexOf('?');
			String base = (query >= 0) ? serverUrl.substring(0, query) : serverUrl;
			String params = (query >= 0) ? serverUrl.substring(query) : "";
			return base.substring(0, base.lastIndexOf('/') + 1) + name + params;
		}

		private static void execute(String url, String user, String password, String sql) {
			try (Connection connection = DriverManager.getConnection(url, user, password);
					Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not run '" + sql + "' on " + url + " (set " + URL_VARIABLE
						+ " to a PostgreSQL server the tests may create databases on)", ex);
			}
		}

		private static String env(String name, String fallback) {
			String value = System.getenv(name);
			return (value != null && !value.isBlank()) ? value : fallback;
		}

	}

}
