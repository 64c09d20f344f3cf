package io.genjobs.gateway.ops;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** What the request filters read off a request's path: the job it names. */
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

	private static String uuidOrNull(String text) {
		try {
			return (text != null) ? UUID.fromString(text).toString() : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
