package io.genjobs.gateway.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.common.RetryAfter;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.TransportFailures;

/**
 * Makes one delivery attempt: a {@code POST} of the event's exact bytes with the Standard
 * Webhooks headers, through the {@link OutboundGuard}'s client (every connection checked
 * at connect time; redirects not followed, so a 3xx is a failed attempt like any other
 * answer but 2xx). Blocks the calling (virtual) thread for at most
 * {@code gateway.webhooks.timeout}; the response body is never read.
 */
@Component
class WebhookSender {

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
		return new Result(status, error, RetryAfter.parse(retryAfter, now));
	}

	/**
	 * Why no answer came, in words fit for the delivery log: never the URL (it may carry
	 * credentials) nor a secret.
	 */
	private String describe(Throwable ex) {
		if (Causes.has(ex, TimeoutException.class)) {
			return "no response within " + RetrySchedule.format(this.timeout);
		}
		return TransportFailures.describe(ex);
	}

}
