package io.genjobs.gateway.webhook;

import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.netty.channel.ConnectTimeoutException;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundRefusedException;

/**
 * Makes one delivery attempt: a {@code POST} of the event's exact bytes with the Standard
 * Webhooks headers, through the {@link OutboundGuard}'s client (every connection checked
 * at connect time; redirects not followed, so a 3xx is a failed attempt like any other
 * answer but 2xx). Blocks the calling (virtual) thread for at most
 * {@code gateway.webhooks.timeout}; the response body is never read.
 */
@Component
class WebhookSender {

	// Ten digits of seconds is centuries: anything longer is not a wait.
	private static final int MAX_RETRY_AFTER_DIGITS = 10;

	private final WebClient client;

	private final Duration timeout;

	WebhookSender(OutboundGuard guard, WebhookSettings settings) {
		this.client = guard.webClientBuilder(false)
			.defaultHeader(HttpHeaders.USER_AGENT, "RunComfy-Gateway-Webhooks/1")
			.build();
		this.timeout = settings.timeout();
	}

	/** What one attempt came to. */
	record Result(Integer statusCode, String error, Duration retryAfter) {

		boolean succeeded() {
			return this.statusCode != null && this.statusCode >= 200 && this.statusCode < 300;
		}

	}

	Result send(String url, String messageId, long timestamp, String signature, byte[] body, Instant now) {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			return new Result(null, "the URL is not valid", null);
		}
		try {
			Result result = this.client.post()
				.uri(uri)
				.contentType(MediaType.APPLICATION_JSON)
				.header("webhook-id", messageId)
				.header("webhook-timestamp", Long.toString(timestamp))
				.header("webhook-signature", signature)
				.bodyValue(body)
				.exchangeToMono((response) -> Mono.just(answered(response.statusCode().value(),
						response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), now)))
				.timeout(this.timeout)
				.block();
			return (result != null) ? result : new Result(null, "no response", null);
		}
		catch (RuntimeException ex) {
			return new Result(null, describe(Exceptions.unwrap(ex)), null);
		}
	}

	private static Result answered(int status, String retryAfter, Instant now) {
		if (status >= 200 && status < 300) {
			return new Result(status, null, null);
		}
		String error = (status >= 300 && status < 400) ? "answered " + status + "; redirects are not followed"
				: "answered " + status;
		return new Result(status, error, parseRetryAfter(retryAfter, now));
	}

	/**
	 * Why no answer came, in words fit for the delivery log: never the URL (it may carry
	 * credentials) nor a secret.
	 */
	private String describe(Throwable ex) {
		OutboundRefusedException refused = cause(ex, OutboundRefusedException.class);
		if (refused != null) {
			return "refused by the outbound guard: " + refused.getMessage();
		}
		if (cause(ex, TimeoutException.class) != null) {
			return "no response within " + RetrySchedule.format(this.timeout);
		}
		if (cause(ex, ConnectTimeoutException.class) != null) {
			return "connecting timed out";
		}
		if (cause(ex, ConnectException.class) != null) {
			return "connection refused";
		}
		if (cause(ex, UnknownHostException.class) != null) {
			return "the host could not be resolved";
		}
		if (cause(ex, PrematureCloseException.class) != null) {
			return "the connection closed before a response";
		}
		if (cause(ex, SSLException.class) != null) {
			return "TLS failed";
		}
		return "the request failed (" + ex.getClass().getSimpleName() + ")";
	}

	private static <T extends Throwable> T cause(Throwable ex, Class<T> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	/**
	 * A {@code Retry-After} value (RFC 9110): delta-seconds or an HTTP-date; {@code null}
	 * when absent or unreadable.
	 */
	static Duration parseRetryAfter(String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.strip();
		if (trimmed.chars().allMatch(Character::isDigit)) {
			return (trimmed.length() <= MAX_RETRY_AFTER_DIGITS) ? Duration.ofSeconds(Long.parseLong(trimmed)) : null;
		}
		try {
			Duration wait = Duration.between(now,
					ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
