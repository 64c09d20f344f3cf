package io.genjobs.gateway.ops;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationContext;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** What the request filters read off a request: the job it names, who serves it. */
final class RequestPaths {

	private static final List<PathPattern> JOB_PATHS = List.of(PathPatternParser.defaultInstance.parse("/jobs/{id}"),
			PathPatternParser.defaultInstance.parse("/jobs/{id}/**"));

	private RequestPaths() {
	}

	/**
	 * The job id in a {@code /jobs/{id}...} path; {@code null} elsewhere and for ids that
	 * are not UUIDs (nothing a client typed goes into the logs unchecked).
	 */
	static String jobId(PathContainer path) {
		for (PathPattern pattern : JOB_PATHS) {
			PathPattern.PathMatchInfo match = pattern.matchAndExtract(path);
			if (match != null) {
				return uuidOrNull(match.getUriVariables().get("id"));
			}
		}
		return null;
	}

	/** The job id of a {@code Location: /jobs/{id}} header (a job just created). */
	static String jobIdOfLocation(URI location) {
		return (location != null) ? jobId(PathContainer.parsePath(location.getPath())) : null;
	}

	/**
	 * Whether the management server (its child context) serves the exchange: Spring Boot
	 * applies the application's filters there too.
	 */
	static boolean servedByManagementServer(ServerWebExchange exchange, ApplicationContext application) {
		ApplicationContext served = exchange.getApplicationContext();
		return served != null && served != application && served.getParent() == application;
	}

	private static String uuidOrNull(String text) {
		try {
			return (text != null) ? UUID.fromString(text).toString() : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
