package io.genjobs.gateway.ops;

import java.net.URI;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.common.web.HandlerRoutes;
import io.genjobs.gateway.common.web.ProblemResponses;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * One log line per API request, written when the response is committed: method, path
 * (never the query or any header), status, time taken and, for errors, the problem type;
 * the team and job ids go into the logging context ({@link JobLogContext}). Rejected
 * {@code POST /jobs} requests are counted by reason here too, since every rejection, from
 * the authentication filter to the validator, ends in a problem response.
 * <p>
 * It runs first, so that it sees requests the later filters refuse; the team is read at
 * commit time, when authentication has happened. Silence the lines with
 * {@code logging.level.io.genjobs.gateway.ops.RequestLogFilter=warn}.
 */
@Component
class RequestLogFilter extends ApiRequestFilter {

	private static final Log logger = LogFactory.getLog(RequestLogFilter.class);

	private final MeterRegistry registry;

	RequestLogFilter(ApplicationContext application, MeterRegistry registry) {
		super(application);
		this.registry = registry;
	}

	@Override
	Mono<Void> filterApiRequest(ServerWebExchange exchange, WebFilterChain chain) {
		long started = System.nanoTime();
		exchange.getResponse().beforeCommit(() -> {
			record(exchange, started);
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	private void record(ServerWebExchange exchange, long started) {
		try {
			ServerHttpRequest request = exchange.getRequest();
			ServerHttpResponse response = exchange.getResponse();
			HttpStatusCode status = response.getStatusCode();
			int code = (status != null) ? status.value() : 200;
			TeamPrincipal team = team(exchange);
			String jobId = RequestPaths.jobId(request.getPath().pathWithinApplication());
			if (jobId == null) {
				jobId = RequestPaths.jobIdOfLocation(response.getHeaders().getLocation());
			}
			URI problemType = exchange.getAttribute(ProblemResponses.PROBLEM_TYPE_ATTRIBUTE);
			String problem = (problemType != null) ? slug(problemType) : null;
			if (isJobSubmission(exchange) && code >= 400) {
				Counter.builder("gateway.jobs.rejected")
					.description("POST /jobs requests refused, by problem type")
					.tag("reason", (problem != null) ? problem : "http-" + code)
					.tag("team", (team != null) ? team.name() : TeamNames.UNKNOWN)
					.register(this.registry)
					.increment();
			}
			if (logger.isInfoEnabled()) {
				long millis = (System.nanoTime() - started) / 1_000_000;
				String teamId = (team != null) ? team.id().toString() : null;
				try (JobLogContext.Scope scope = JobLogContext.open(jobId, teamId)) {
					logger.info(request.getMethod().name() + " " + request.getPath().value() + " " + code + " " + millis
							+ "ms" + ((problem != null) ? " " + problem : ""));
				}
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not log a request", ex);
		}
	}

	/**
	 * Whether the request went to {@code POST /jobs}: by the route it was matched to,
	 * however its path was spelt; a request refused before anything looked its route up
	 * (an oversized body, say) by its path.
	 */
	private static boolean isJobSubmission(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		if (request.getMethod() != HttpMethod.POST) {
			return false;
		}
		String route = HandlerRoutes.patternSoFar(exchange);
		return "/jobs".equals((route != null) ? route : request.getPath().pathWithinApplication().value());
	}

	private static String slug(URI type) {
		String path = type.getPath();
		return (path != null) ? path.substring(path.lastIndexOf('/') + 1) : type.toString();
	}

	@Override
	public int getOrder() {
		// Before the body size check and authentication, which may refuse the request.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
