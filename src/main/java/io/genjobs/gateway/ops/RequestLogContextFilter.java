package io.genjobs.gateway.ops;

import java.util.UUID;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * Gives everything that handles an API request the request's team and job ids in the
 * logging context. WebFlux moves a request between threads (event loop, then a virtual
 * thread for the controller), so the ids travel in the Reactor context and Reactor's
 * automatic context propagation ({@code spring.reactor.context-propagation=auto}) writes
 * them into the MDC of whichever thread runs the work ({@link LogContextPropagation}).
 * <p>
 * It runs last among the filters, after authentication has found the team.
 */
@Component
class RequestLogContextFilter extends ApiRequestFilter {

	private final TeamNames teamNames;

	RequestLogContextFilter(ApplicationContext application, TeamNames teamNames) {
		super(application);
		this.teamNames = teamNames;
	}

	@Override
	Mono<Void> filterApiRequest(ServerWebExchange exchange, WebFilterChain chain) {
		TeamPrincipal team = team(exchange);
		String jobId = RequestPaths.jobId(exchange.getRequest().getPath().pathWithinApplication());
		if (team == null && jobId == null) {
			return chain.filter(exchange);
		}
		if (team != null) {
			this.teamNames.remember(team.id(), team.name());
		}
		UUID teamId = (team != null) ? team.id() : null;
		return chain.filter(exchange).contextWrite((context) -> withIds(context, jobId, teamId));
	}

	private static Context withIds(Context context, String jobId, UUID teamId) {
		Context result = context;
		if (jobId != null) {
			result = result.put(JobLogContext.JOB_ID, jobId);
		}
		if (teamId != null) {
			result = result.put(JobLogContext.TEAM_ID, teamId.toString());
		}
		return result;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
