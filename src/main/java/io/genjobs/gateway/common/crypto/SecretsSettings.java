package io.genjobs.gateway.common.crypto;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The keys that encrypt stored secrets.
 *
 * @param key base64 of the 32-byte key that encrypts ({@code GATEWAY_SECRETS_KEY});
 * required: only the {@code local} profile has a built-in one
 * @param previousKeys keys that still decrypt after a rotation
 * ({@code GATEWAY_SECRETS_PREVIOUS_KEYS}, comma-separated)
 */
@ConfigurationProperties("gateway.secrets")
@Validated
record SecretsSettings(@NotBlank(
		message = "GATEWAY_SECRETS_KEY must be set: base64 of 32 random bytes (openssl rand -base64 32)") String key,
		@DefaultValue @NotNull List<String> previousKeys) {

}
