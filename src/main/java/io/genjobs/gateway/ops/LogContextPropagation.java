package io.genjobs.gateway.ops;

import io.micrometer.context.ContextRegistry;
import org.slf4j.MDC;

import org.springframework.context.annotation.Configuration;

import io.genjobs.gateway.common.JobLogContext;

/**
 * Teaches Micrometer's context propagation (which Reactor uses in automatic mode) to copy
 * the job and team ids from the Reactor context into the MDC of the thread that runs a
 * step of a request, and to clear them afterwards.
 */
@Configuration(proxyBeanMethods = false)
class LogContextPropagation {

	LogContextPropagation() {
		register(JobLogContext.JOB_ID);
		register(JobLogContext.TEAM_ID);
	}

	private static void register(String key) {
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(key, () -> MDC.get(key), (value) -> MDC.put(key, value),
					() -> MDC.remove(key));
	}

}
