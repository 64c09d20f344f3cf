package io.genjobs.gateway.upstream;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How to reach RunComfy's Model API ({@code gateway.runcomfy.*}). The token is required
 * unless the built-in simulator stands in for RunComfy; {@link UpstreamConfiguration}
 * enforces that at start-up.
 *
 * @param baseUrl the Model API's base URL
 * @param apiToken the bearer token (env {@code RUNCOMFY_API_TOKEN}); never printed
 * @param connectTimeout how long to wait for a TCP connection
 * @param responseTimeout how long to wait for an answer once the request is sent, and
 * between reads of it
 */
@ConfigurationProperties("gateway.runcomfy")
@Validated
record RunComfySettings(@DefaultValue("https://model-api.runcomfy.net") @NotNull URI baseUrl, @Nullable String apiToken,
		@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration connectTimeout,
		@DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration responseTimeout) {

	boolean hasApiToken() {
		return this.apiToken != null && !this.apiToken.isBlank();
	}

	@Override
	public String toString() {
		return "RunComfySettings[baseUrl=" + this.baseUrl + ", apiToken=" + (hasApiToken() ? "(set)" : "(none)")
				+ ", connectTimeout=" + this.connectTimeout + ", responseTimeout=" + this.responseTimeout + "]";
	}

}
