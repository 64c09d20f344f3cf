package io.genjobs.gateway.common.web;

import java.net.ConnectException;
import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;

import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.common.GatewayException;

/**
 * Renders every error, whatever raised it (a controller, a filter, the router for an
 * unknown route, a codec for a malformed or oversized body), as an RFC 9457
 * {@code application/problem+json} document. It runs before Spring Boot's default
 * handler, so no error leaves in another shape. Anything unexpected becomes a 500 with no
 * internals in it; the cause is logged instead.
 * <p>
 * The features' own errors ({@link GatewayException}s) carry no HTTP: this is the one
 * place that gives each kind its status and headers.
 */
@Component
@Order(-2)
public class ProblemResponses implements WebExceptionHandler {

	/**
	 * Exchange attribute holding the problem type URI of an error response, for request
	 * logs and metrics.
	 */
	public static final String PROBLEM_TYPE_ATTRIBUTE = ProblemResponses.class.getName() + ".type";

	private static final String TYPE_BASE = "https://runcomfy-gateway.genjobs.io/problems/";

	private static final Log logger = LogFactory.getLog(ProblemResponses.class);

	private final JsonMapper jsonMapper;

	ProblemResponses(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(ex);
		}
		Problem problem = toProblem(ex, exchange);
		exchange.getAttributes().put(PROBLEM_TYPE_ATTRIBUTE, problem.type());
		if (problem.status().is5xxServerError()) {
			logger.error("Request " + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath()
					+ " failed with " + problem.status().value(), ex);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.type().toString());
		body.put("title", problem.title());
		body.put("status", problem.status().value());
		body.put("detail", problem.detail());
		body.put("instance", exchange.getRequest().getPath().value());
		body.putAll(problem.extensions());
		byte[] bytes = this.jsonMapper.writeValueAsBytes(body);
		response.setStatusCode(problem.status());
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		headers.setContentLength(bytes.length);
		problem.headers().forEach(headers::put);
		DataBuffer buffer = response.bufferFactory().wrap(bytes);
		return response.writeWith(Mono.just(buffer));
	}

	private Problem toProblem(Throwable ex, ServerWebExchange exchange) {
		if (ex instanceof GatewayException refused) {
			return toProblem(refused);
		}
		if (Causes.has(ex, DataBufferLimitException.class)) {
			return simple(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
					"The request body is larger than the gateway accepts.");
		}
		if (ex instanceof UnsupportedMediaTypeStatusException unsupported) {
			return simple(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
					"Content-Type " + describe(unsupported.getContentType(), exchange) + " is not supported; send "
							+ MediaType.APPLICATION_JSON_VALUE + ".");
		}
		if (ex instanceof NotAcceptableStatusException) {
			return simple(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
					"The gateway answers with application/json (usage reports also with text/csv) only.");
		}
		if (ex instanceof MethodNotAllowedException notAllowed) {
			HttpHeaders headers = new HttpHeaders();
			headers.setAllow(notAllowed.getSupportedMethods());
			return new Problem(HttpStatus.METHOD_NOT_ALLOWED, typeFor("method-not-allowed"), "Method not allowed",
					"Method " + notAllowed.getHttpMethod() + " is not allowed here.", Map.of(), headers);
		}
		if (ex instanceof ServerWebInputException input) {
			return simple(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", describe(input));
		}
		if (ex instanceof ResponseStatusException status) {
			HttpStatusCode code = status.getStatusCode();
			if (code.value() == 404) {
				return simple(HttpStatus.NOT_FOUND, "not-found", "Not found", "No resource at this path.");
			}
			if (code.value() == 415) {
				// A Content-Type that is no media type at all ("*/*") is refused by the
				// body
				// reader with a bare 415 rather than UnsupportedMediaTypeStatusException.
				return simple(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
						"Content-Type " + describe(null, exchange) + " is not supported; send "
								+ MediaType.APPLICATION_JSON_VALUE + ".");
			}
			HttpStatus resolved = HttpStatus.resolve(code.value());
			HttpStatus effective = (resolved != null) ? resolved : HttpStatus.INTERNAL_SERVER_ERROR;
			String reason = (status.getReason() != null) ? status.getReason() : effective.getReasonPhrase() + ".";
			return simple(effective, effective.is5xxServerError() ? "internal-error" : "request-rejected",
					effective.getReasonPhrase(),
					effective.is5xxServerError() ? "The gateway failed to handle the request." : reason);
		}
		if (isDatabaseUnavailable(ex)) {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, "5");
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, typeFor("service-unavailable"), "Service unavailable",
					"The gateway's database is unreachable; try again shortly.", Map.of(), headers);
		}
		return simple(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
				"The gateway failed to handle the request.");
	}

	private static Problem toProblem(GatewayException refused) {
		HttpStatus status = switch (refused.kind()) {
			case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
			case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
			case FORBIDDEN -> HttpStatus.FORBIDDEN;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case CONFLICT -> HttpStatus.CONFLICT;
			case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
			case INVALID -> HttpStatus.UNPROCESSABLE_CONTENT;
			case LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
			case PAYMENT_REQUIRED -> HttpStatus.PAYMENT_REQUIRED;
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
		};
		HttpHeaders headers = new HttpHeaders();
		if (refused.kind() == GatewayException.Kind.UNAUTHENTICATED) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		refused.retryAfter()
			.ifPresent((delay) -> headers.set(HttpHeaders.RETRY_AFTER, Long.toString(delay.toSeconds())));
		return new Problem(status, typeFor(refused.typeSlug()), refused.title(), refused.detail(), refused.extensions(),
				headers);
	}

	private static URI typeFor(String slug) {
		return URI.create(TYPE_BASE + slug);
	}

	private static boolean isDatabaseUnavailable(Throwable ex) {
		return Causes.has(ex, CannotCreateTransactionException.class)
				|| Causes.has(ex, DataAccessResourceFailureException.class)
				|| Causes.has(ex, QueryTimeoutException.class) || Causes.has(ex, SQLTransientException.class)
				|| Causes.has(ex, ConnectException.class) && Causes.has(ex, SQLException.class)
				|| hasConnectionLossState(ex);
	}

	// What Hikari's closed connection says, without an SQLSTATE.
	private static final String HIKARI_CLOSED_CONNECTION = "Connection is closed";

	/**
	 * Whether the database dropped the connection under a statement: SQLSTATE class 08
	 * (connection exception; Hikari's "Connection is closed" too) or PostgreSQL's
	 * shutdown codes ({@code 57P01} admin shutdown, {@code 57P02} crash shutdown,
	 * {@code 57P03} cannot connect now). Hibernate translates the 57P0x codes into a
	 * generic JDBC exception, so without this a restart of PostgreSQL answered requests
	 * that were in flight with 500. Hikari's closed connection says only "Connection is
	 * closed", without an SQLSTATE: that is what a rollback after such a statement
	 * throws, and it replaces the statement's own exception (bench/chaos-pg-restart.sh
	 * found it).
	 */
	private static boolean hasConnectionLossState(Throwable ex) {
		return Causes.first(ex, (cause) -> cause instanceof SQLException sql && isConnectionLoss(sql)) != null;
	}

	private static boolean isConnectionLoss(SQLException sql) {
		String state = sql.getSQLState();
		if (state == null) {
			return HIKARI_CLOSED_CONNECTION.equals(sql.getMessage());
		}
		return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
	}

	private static String describe(ServerWebInputException input) {
		Throwable cause = input.getMostSpecificCause();
		if (cause instanceof tools.jackson.core.JacksonException jackson) {
			return "The request body is not valid JSON: " + jackson.getOriginalMessage();
		}
		String reason = input.getReason();
		return (reason != null) ? reason : "The request could not be read.";
	}

	/**
	 * The request's content type; one that does not parse (an unknown charset, say) is
	 * not named by the exception, so it is quoted from the request, cut short.
	 */
	private static String describe(MediaType contentType, ServerWebExchange exchange) {
		if (contentType != null) {
			return contentType.toString();
		}
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
		if (header == null) {
			return "(none)";
		}
		String quoted = (header.length() <= 100) ? header : header.substring(0, 100) + "...";
		return "'" + quoted + "' (which does not parse, or names an unknown charset)";
	}

	private static Problem simple(HttpStatus status, String slug, String title, String detail) {
		return new Problem(status, typeFor(slug), title, detail, Map.of(), HttpHeaders.EMPTY);
	}

	private record Problem(HttpStatus status, URI type, String title, String detail, Map<String, Object> extensions,
			HttpHeaders headers) {
	}

}
