package io.genjobs.gateway.common.crypto;

import java.util.Base64;
import java.util.List;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecretsSettings.class)
class SecretsConfiguration {

	@Bean
	SecretCipher secretCipher(SecretsSettings settings) {
		List<byte[]> previous = settings.previousKeys()
			.stream()
			.filter((key) -> !key.isBlank())
			.map((key) -> decode(key, "GATEWAY_SECRETS_PREVIOUS_KEYS"))
			.toList();
		return new SecretCipher(decode(settings.key(), "GATEWAY_SECRETS_KEY"), previous);
	}

	private static byte[] decode(String key, String variable) {
		try {
			byte[] bytes = Base64.getDecoder().decode(key.strip());
			if (bytes.length != 32) {
				throw new IllegalStateException(variable + " must be base64 of 32 bytes, not of " + bytes.length);
			}
			return bytes;
		}
		catch (IllegalArgumentException ex) {
			// Never repeats the value: it is a key.
			throw new IllegalStateException(variable + " is not valid base64 (openssl rand -base64 32 makes one)");
		}
	}

}
