package io.genjobs.gateway.net;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway reaches URLs given by its users (image URLs, webhook URLs).
 *
 * @param allowedHosts exact {@code host:port} entries exempt from the private-address
 * refusal, for example {@code images.internal:443} or {@code [::1]:8080}; the host is
 * compared case-insensitively with the URL's host as written, the port with the URL's
 * port (80 or 443 when the URL names none)
 * @param maxRedirects how many redirects a redirect-following client follows before it
 * gives up
 * @param connectTimeout how long one TCP connection attempt may take
 */
@ConfigurationProperties("gateway.outbound")
@Validated
public record OutboundSettings(@DefaultValue @NotNull List<String> allowedHosts,
		@DefaultValue("3") @PositiveOrZero @Max(20) int maxRedirects,
		@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration connectTimeout) {

	public OutboundSettings {
		allowedHosts = List.copyOf(allowedHosts);
	}

}
