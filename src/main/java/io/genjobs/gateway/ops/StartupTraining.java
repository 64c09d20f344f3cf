package io.genjobs.gateway.ops;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The start-up training run that builds the JDK's AOT cache in the Dockerfile (JEP 483
 * and 514: {@code -XX:AOTCacheOutput}): with {@code gateway.startup.training=true} and
 * {@code -Dspring.context.exit=onRefresh} the whole application context is created (every
 * class start-up loads is then in the cache) and the JVM exits before anything starts,
 * without a database: Flyway does not migrate and Hibernate does not read the database's
 * metadata (it is told the database is PostgreSQL). Nothing else touches the database
 * before the context's lifecycle starts (the pool connects lazily; the work loops, the
 * key cache's listener and the development seed start after the refresh).
 *
 * <p>
 * Both beans are always defined and decide at run time, so that Spring's AOT processing
 * (which fixes the bean definitions at build time) needs no profile of its own. Training
 * without {@code spring.context.exit=onRefresh} is refused: it would serve requests on an
 * unmigrated database.
 */
@Configuration(proxyBeanMethods = false)
class StartupTraining {

	static final String PROPERTY = "gateway.startup.training";

	private static final Log logger = LogFactory.getLog(StartupTraining.class);

	@Bean
	FlywayMigrationStrategy flywayMigrationStrategy(Environment environment) {
		boolean training = training(environment);
		return (flyway) -> {
			if (training) {
				logger.info("Start-up training run: database migrations skipped");
				return;
			}
			flyway.migrate();
		};
	}

	@Bean
	HibernatePropertiesCustomizer startupTrainingHibernateProperties(Environment environment) {
		boolean training = training(environment);
		return (properties) -> {
			if (training) {
				properties.put("hibernate.boot.allow_jdbc_metadata_access", "false");
				properties.put("jakarta.persistence.database-product-name", "PostgreSQL");
			}
		};
	}

	static boolean training(Environment environment) {
		boolean training = environment.getProperty(PROPERTY, Boolean.class, false);
		if (training && !"onRefresh".equals(System.getProperty("spring.context.exit"))) {
			throw new IllegalStateException(PROPERTY + "=true skips database migrations and is only for the "
					+ "AOT cache's training run: start the JVM with -Dspring.context.exit=onRefresh as well");
		}
		return training;
	}

}
