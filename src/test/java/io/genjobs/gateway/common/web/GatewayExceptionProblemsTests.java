package io.genjobs.gateway.common.web;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import io.genjobs.gateway.common.GatewayException;
import io.genjobs.gateway.common.GatewayException.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one place where a feature's error becomes HTTP: each kind of
 * {@link GatewayException} has its status, and the headers that go with it.
 */
class GatewayExceptionProblemsTests {

	private static final Map<Kind, HttpStatus> STATUSES = Map.of(Kind.BAD_REQUEST, HttpStatus.BAD_REQUEST,
			Kind.UNAUTHENTICATED, HttpStatus.UNAUTHORIZED, Kind.FORBIDDEN, HttpStatus.FORBIDDEN, Kind.NOT_FOUND,
			HttpStatus.NOT_FOUND, Kind.CONFLICT, HttpStatus.CONFLICT, Kind.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE,
			Kind.INVALID, HttpStatus.UNPROCESSABLE_CONTENT, Kind.LIMITED, HttpStatus.TOO_MANY_REQUESTS,
			Kind.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE, Kind.PAYMENT_REQUIRED, HttpStatus.PAYMENT_REQUIRED);

	private final JsonMapper json = JsonMapper.builder().build();

	private final ProblemResponses responses = new ProblemResponses(this.json);

	@Test
	void answersEachKindWithItsStatusAsAProblemDocument() {
		assertThat(STATUSES).containsOnlyKeys(Kind.values());
		STATUSES.forEach((kind, status) -> {
			MockServerWebExchange exchange = handle(new Refusal(kind, null));
			assertThat(exchange.getResponse().getStatusCode()).as(kind.name()).isEqualTo(status);
			assertThat(exchange.getResponse().getHeaders().getContentType())
				.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			JsonNode body = this.json.readTree(exchange.getResponse().getBodyAsString().block());
			assertThat(body.get("type").asString())
				.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/some-refusal");
			assertThat(body.get("title").asString()).isEqualTo("Some refusal");
			assertThat(body.get("status").asInt()).isEqualTo(status.value());
			assertThat(body.get("detail").asString()).isEqualTo("What went wrong.");
			assertThat(body.get("instance").asString()).isEqualTo("/jobs");
			assertThat(body.get("reason").asString()).isEqualTo(kind.name());
		});
	}

	@Test
	void asksForABearerCredentialOnlyWhenUnauthenticated() {
		for (Kind kind : Kind.values()) {
			String challenge = handle(new Refusal(kind, null)).getResponse().getHeaders().getFirst("WWW-Authenticate");
			assertThat(challenge).as(kind.name()).isEqualTo((kind == Kind.UNAUTHENTICATED) ? "Bearer" : null);
		}
	}

	@Test
	void saysWhenToRetryInWholeSeconds() {
		MockServerWebExchange limited = handle(new Refusal(Kind.LIMITED, Duration.ofSeconds(7)));
		assertThat(limited.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("7");
		MockServerWebExchange conflict = handle(new Refusal(Kind.CONFLICT, null));
		assertThat(conflict.getResponse().getHeaders().containsHeader("Retry-After")).isFalse();
	}

	private MockServerWebExchange handle(Throwable ex) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/jobs"));
		this.responses.handle(exchange, ex).block();
		return exchange;
	}

	static final class Refusal extends GatewayException {

		Refusal(Kind kind, Duration retryAfter) {
			super(kind, "some-refusal", "Some refusal", "What went wrong.");
			extension("reason", kind.name());
			if (retryAfter != null) {
				retryAfter(retryAfter);
			}
		}

	}

}
