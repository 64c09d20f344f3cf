package io.genjobs.gateway.common;

import java.time.Clock;

import tools.jackson.core.StreamReadFeature;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class CommonConfiguration {

	@Bean
	Clock clock() {
		return Clocks.microseconds();
	}

	@Bean
	TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
		return new TransactionTemplate(transactionManager);
	}

	/**
	 * A body naming one member twice is ambiguous (which one would we store?), so it is
	 * refused.
	 */
	@Bean
	JsonMapperBuilderCustomizer strictDuplicates() {
		return (builder) -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
	}

}
