package io.genjobs.gateway.upstream.simulator;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * One submit the simulator received, whatever it answered, so that tests can check the
 * exact path, body and token RunComfy would have seen.
 *
 * @param modelId the model id as it appeared in the path (raw, not decoded)
 * @param body the request body, exactly as received
 * @param headers the request headers
 * @param status the HTTP status the simulator answered with
 * @param requestId the id of the job it created, or {@code null} when it created none
 */
public record RecordedSubmission(String modelId, String body, HttpHeaders headers, int status,
		@Nullable String requestId) {

	/** The bearer token of the {@code Authorization} header, or {@code null}. */
	public @Nullable String bearerToken() {
		String authorization = this.headers.getFirst(HttpHeaders.AUTHORIZATION);
		return (authorization != null && authorization.startsWith("Bearer ")) ? authorization.substring(7) : null;
	}

	/** Whether the submit created a job. */
	public boolean accepted() {
		return this.requestId != null;
	}

	@Override
	public String toString() {
		return "RecordedSubmission[modelId=" + this.modelId + ", status=" + this.status + ", requestId="
				+ this.requestId + ", body=" + this.body + "]";
	}

}
