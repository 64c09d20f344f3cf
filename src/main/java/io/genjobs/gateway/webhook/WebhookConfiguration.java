package io.genjobs.gateway.webhook;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	/**
	 * Binds {@code gateway.webhooks.retry-schedule}. Static: binding converters are
	 * needed before this configuration's instance exists.
	 */
	@Bean
	@ConfigurationPropertiesBinding
	static RetryScheduleConverter retryScheduleConverter() {
		return new RetryScheduleConverter();
	}

	/**
	 * A class rather than a lambda, whose type arguments the conversion service could not
	 * see.
	 */
	static final class RetryScheduleConverter implements Converter<String, RetrySchedule> {

		@Override
		public RetrySchedule convert(String source) {
			return RetrySchedule.parse(source);
		}

	}

}
