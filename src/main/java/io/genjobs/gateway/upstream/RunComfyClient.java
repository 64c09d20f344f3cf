package io.genjobs.gateway.upstream;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.common.RetryAfter;
import io.genjobs.gateway.net.TransportFailures;
import io.genjobs.gateway.upstream.UpstreamException.Kind;

/**
 * RunComfy's Model API: submit, status, result and cancel. Each method makes exactly one
 * HTTP call and never retries (retries, rate limits and the circuit breaker are the
 * caller's, because only the caller knows whether resending is safe). Every failure is an
 * {@link UpstreamException} whose kind tells what is known about the call's effect. The
 * API token is sent as {@code Authorization: Bearer} and appears in no message.
 */
@Component
public class RunComfyClient implements DisposableBean {

	private static final byte[] NO_BODY = new byte[0];

	// Drop pooled connections before a load balancer's idle timeout (often 60 s) can
	// close them under us: a submit written to a connection the server has just closed
	// cannot be told apart from one that was received, so it would end OUTCOME_UNKNOWN.
	private static final Duration MAX_IDLE = Duration.ofSeconds(20);

	private static final int MAX_CONNECTIONS = 100;

	private final RunComfyJson json = new RunComfyJson();

	private final ConnectionProvider connections;

	private final WebClient webClient;

	private final String apiToken;

	private final Duration responseTimeout;

	RunComfyClient(WebClient.Builder builder, UpstreamEndpoint endpoint, RunComfySettings settings) {
		this.apiToken = endpoint.apiToken();
		this.responseTimeout = settings.responseTimeout();
		this.connections = ConnectionProvider.builder("runcomfy")
			.maxConnections(MAX_CONNECTIONS)
			.pendingAcquireTimeout(settings.responseTimeout())
			.maxIdleTime(MAX_IDLE)
			.build();
		HttpClient httpClient = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
			.responseTimeout(settings.responseTimeout());
		this.webClient = builder.clone()
			.clientConnector(new ReactorClientHttpConnector(httpClient))
			.baseUrl(endpoint.baseUrl())
			.defaultHeaders((headers) -> {
				headers.setBearerAuth(this.apiToken);
				headers.setAccept(List.of(MediaType.APPLICATION_JSON));
			})
			.build();
	}

	/**
	 * Submits a job: {@code POST /v1/models/{model_id}} with {@code input} as the body.
	 * The model id's slashes stay path separators ({@code owner/name/...}).
	 * @param modelId the model, for example
	 * {@code bytedance/dreamina-3-0/pro/image-to-video}
	 * @param input the model's input, sent exactly as given
	 * @return RunComfy's acceptance, or an {@link UpstreamException}
	 */
	public Mono<Submission> submit(String modelId, JsonNode input) {
		return Mono.defer(() -> {
			String[] segments = modelSegments(modelId);
			return call(UpstreamOperation.SUBMIT,
					this.webClient.post()
						.uri(modelTemplate(segments.length), (Object[]) segments)
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(this.json.write(input)),
					this.json::submission);
		});
	}

	/** Reads a request's status: {@code GET /v1/requests/{request_id}/status}. */
	public Mono<RequestStatus> status(String requestId) {
		return onRequest(UpstreamOperation.STATUS, HttpMethod.GET, requestId, this.json::status);
	}

	/**
	 * Reads a request's result with its cost: {@code GET
	 * /v1/requests/{request_id}/result?include_cost=true}. A request that finished
	 * without output is a {@link RequestResult#failed() failed} result, not an error.
	 */
	public Mono<RequestResult> result(String requestId) {
		return Mono.defer(() -> call(UpstreamOperation.RESULT,
				this.webClient.get()
					.uri("/v1/requests/{requestId}/" + UpstreamOperation.RESULT.label() + "?include_cost=true",
							checked(requestId)),
				(body) -> this.json.result(body, requestId)));
	}

	/**
	 * Asks RunComfy to cancel a request: {@code POST /v1/requests/{request_id}/cancel}.
	 * Only queued requests can be cancelled; others answer {@code not_cancellable}.
	 */
	public Mono<CancelOutcome> cancel(String requestId) {
		return onRequest(UpstreamOperation.CANCEL, HttpMethod.POST, requestId, this.json::cancel);
	}

	/**
	 * One page of RunComfy's catalog:
	 * {@code GET /v1/models?include_schema=true&limit=&offset=}, answered
	 * {@code {"models": [...], "total"}}.
	 */
	public Mono<JsonNode> models(int limit, int offset) {
		return Mono.defer(() -> call(UpstreamOperation.CATALOG,
				this.webClient.get()
					.uri((uri) -> uri.path("/v1/models")
						.queryParam("include_schema", "true")
						.queryParam("limit", limit)
						.queryParam("offset", offset)
						.build()),
				(body) -> body));
	}

	/** One entry of RunComfy's catalog: {@code GET /v1/models/{model_id}}. */
	public Mono<JsonNode> model(String modelId) {
		return Mono.defer(() -> {
			String[] segments = modelSegments(modelId);
			return call(UpstreamOperation.CATALOG,
					this.webClient.get().uri(modelTemplate(segments.length), (Object[]) segments), (body) -> body);
		});
	}

	@Override
	public void destroy() {
		this.connections.dispose();
	}

	/**
	 * One call about a request already submitted:
	 * {@code /v1/requests/{request_id}/{operation}}, read with the request id it asked
	 * about.
	 */
	private <T> Mono<T> onRequest(UpstreamOperation operation, HttpMethod method, String requestId,
			BiFunction<JsonNode, String, T> reader) {
		return Mono.defer(() -> call(operation,
				this.webClient.method(method).uri("/v1/requests/{requestId}/" + operation.label(), checked(requestId)),
				(body) -> reader.apply(body, requestId)));
	}

	private <T> Mono<T> call(UpstreamOperation operation, WebClient.RequestHeadersSpec<?> request,
			Function<JsonNode, T> reader) {
		return request
			.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(NO_BODY)
				.map((body) -> read(operation, response.statusCode().value(), response.headers().asHttpHeaders(), body,
						reader)))
			.onErrorMap((ex) -> !(ex instanceof UpstreamException), (ex) -> transportFailure(operation, ex));
	}

	private <T> T read(UpstreamOperation operation, int status, HttpHeaders headers, byte[] body,
			Function<JsonNode, T> reader) {
		JsonNode tree = this.json.parse(body);
		// DESIGN: insufficient balance is a 402, or error_code 400002 under any status.
		boolean unpaid = status == 402
				|| Long.valueOf(UpstreamException.INSUFFICIENT_BALANCE).equals(RunComfyJson.errorCode(tree));
		if (status < 200 || status > 299) {
			Kind kind = unpaid ? Kind.PAYMENT_REQUIRED
					: (status == 429) ? Kind.RATE_LIMITED : (status >= 500) ? Kind.SERVER_ERROR : Kind.REJECTED;
			Duration retryAfter = (kind == Kind.RATE_LIMITED || kind == Kind.SERVER_ERROR)
					? RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), Instant.now()) : null;
			throw answered(kind, operation, status, tree, retryAfter);
		}
		if (tree == null || !tree.isObject()) {
			throw malformed(operation, status, "the body is not a JSON object");
		}
		if (RunComfyJson.isErrorBody(tree)) {
			// DESIGN: some errors come with HTTP 200; the body decides, not the status.
			throw answered(unpaid ? Kind.PAYMENT_REQUIRED : Kind.REJECTED, operation, status, tree, null);
		}
		try {
			return reader.apply(tree);
		}
		catch (RunComfyJson.MalformedAnswer ex) {
			throw malformed(operation, status, ex.getMessage());
		}
	}

	private UpstreamException answered(Kind kind, UpstreamOperation operation, int status, @Nullable JsonNode body,
			@Nullable Duration retryAfter) {
		Long errorCode = RunComfyJson.errorCode(body);
		String message = redact(RunComfyJson.message(body));
		StringBuilder description = new StringBuilder("HTTP ").append(status);
		if (errorCode != null) {
			description.append(", error_code ").append(errorCode);
		}
		if (message != null) {
			description.append(": ").append(message);
		}
		if (retryAfter != null) {
			description.append(" (retry after ").append(retryAfter).append(')');
		}
		return new UpstreamException(kind, operation, status, errorCode, message, retryAfter, description.toString(),
				null);
	}

	private UpstreamException malformed(UpstreamOperation operation, int status, String why) {
		return new UpstreamException(Kind.MALFORMED, operation, status, null, null, null,
				"HTTP " + status + " with an unusable answer: " + why, null);
	}

	private UpstreamException transportFailure(UpstreamOperation operation, Throwable failure) {
		Kind kind = transportKind(failure);
		String why = Causes.has(failure, ReadTimeoutException.class)
				? "no answer within " + this.responseTimeout.toMillis() + " ms" : TransportFailures.describe(failure);
		String description = ((kind == Kind.NOT_SENT) ? "the request was not sent: "
				: "the request was sent but no answer came: ") + why;
		return new UpstreamException(kind, operation, null, null, null, null, description, failure);
	}

	/**
	 * Whether a call that failed without an answer surely never reached RunComfy. Only
	 * failures before the first request byte can leave the socket qualify: no connection
	 * (refused, timed out, no route, unknown host), no TLS session, or no free pooled
	 * connection. Anything else (a response timeout, a connection closed or reset while
	 * waiting, Reactor Netty's {@code PrematureCloseException}) may have been acted on.
	 * Reactor Netty itself retries a request only when its headers were not yet sent, so
	 * what reaches here after a reset did leave.
	 */
	static Kind transportKind(Throwable failure) {
		// ConnectException includes Netty's ConnectTimeoutException.
		boolean beforeSending = Causes.first(failure,
				(cause) -> cause instanceof ConnectException || cause instanceof NoRouteToHostException
						|| cause instanceof UnknownHostException || cause instanceof SSLHandshakeException
						|| isPoolAcquireFailure(cause)) != null;
		return beforeSending ? Kind.NOT_SENT : Kind.OUTCOME_UNKNOWN;
	}

	// Reactor Netty shades its pool library, so its exceptions are matched by simple name
	// rather than linked against an internal package.
	private static boolean isPoolAcquireFailure(Throwable failure) {
		String name = failure.getClass().getSimpleName();
		return name.equals("PoolAcquireTimeoutException") || name.equals("PoolAcquirePendingLimitException");
	}

	private @Nullable String redact(@Nullable String text) {
		if (text == null || this.apiToken.isEmpty()) {
			return text;
		}
		return text.replace(this.apiToken, "(token)");
	}

	private static String[] modelSegments(String modelId) {
		String[] segments = modelId.split("/", -1);
		for (String segment : segments) {
			if (segment.isBlank()) {
				throw new IllegalArgumentException("Model id '" + modelId + "' has an empty path segment");
			}
		}
		return segments;
	}

	// One URI variable per segment: each is encoded on its own, so a segment's characters
	// cannot become path syntax while the slashes between them stay separators.
	private static String modelTemplate(int segments) {
		StringBuilder template = new StringBuilder("/v1/models");
		for (int i = 0; i < segments; i++) {
			template.append("/{segment").append(i).append('}');
		}
		return template.toString();
	}

	private static String checked(String requestId) {
		if (requestId == null || requestId.isBlank()) {
			throw new IllegalArgumentException("A request id is required");
		}
		return requestId;
	}

}
