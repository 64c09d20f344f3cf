package io.genjobs.gateway.common.crypto;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up refuses a missing or malformed key, naming the variable but never the value.
 */
class SecretsConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(SecretsConfiguration.class);

	@Test
	void refusesToStartWithoutAKey() {
		this.runner.withPropertyValues("gateway.secrets.key=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("GATEWAY_SECRETS_KEY must be set"));
	}

	@Test
	void refusesAKeyThatIsNot32BytesWithoutRepeatingIt() {
		this.runner.withPropertyValues("gateway.secrets.key=c2hvcnQta2V5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("GATEWAY_SECRETS_KEY must be base64 of 32 bytes")
				.message()
				.doesNotContain("c2hvcnQta2V5"));
		this.runner.withPropertyValues("gateway.secrets.key=not base64!")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("not valid base64")
				.message()
				.doesNotContain("not base64!"));
	}

	@Test
	void startsWithAKeyAndPreviousKeys() {
		this.runner
			.withPropertyValues("gateway.secrets.key=dGVzdC1zZWNyZXRzLWtleS1vZi10aGlydHktdHdvISE=",
					"gateway.secrets.previous-keys=bG9jYWwtc2VjcmV0cy1rZXktZG8tbm90LXVzZS0zMiE=")
			.run((context) -> {
				SecretCipher cipher = context.getBean(SecretCipher.class);
				String underOld = new SecretCipher(
						java.util.Base64.getDecoder().decode("bG9jYWwtc2VjcmV0cy1rZXktZG8tbm90LXVzZS0zMiE="),
						java.util.List.of())
					.encrypt("whsec_x", "c");
				assertThat(cipher.decrypt(underOld, "c")).isEqualTo("whsec_x");
			});
	}

}
