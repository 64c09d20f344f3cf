package io.genjobs.gateway.upstream;

import org.jspecify.annotations.Nullable;

/**
 * RunComfy's answer to a submit: the job was accepted under {@code requestId}.
 *
 * @param requestId RunComfy's id for the request
 * @param statusUrl where RunComfy says its status can be read
 * @param resultUrl where RunComfy says its result can be read
 * @param cancelUrl where RunComfy says it can be cancelled
 */
public record Submission(String requestId, @Nullable String statusUrl, @Nullable String resultUrl,
		@Nullable String cancelUrl) {
}
