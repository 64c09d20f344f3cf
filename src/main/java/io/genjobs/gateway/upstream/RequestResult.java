package io.genjobs.gateway.upstream;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * RunComfy's answer to a result call. A request can finish without output: RunComfy then
 * answers {@code completed} (or {@code failed}) with an {@code error}, which is not a
 * failed call but a failed job: see {@link #failed()} and {@link #errorMessage()}.
 *
 * @param requestId RunComfy's id for the request
 * @param status the status string exactly as RunComfy sent it
 * @param output the model's output ({@code video}, {@code videos}, {@code image},
 * {@code images}), or {@code null} when there is none
 * @param createdAt when RunComfy received the request, when it said so readably
 * @param finishedAt when RunComfy finished it, when it said so readably
 * @param error RunComfy's error (a string or an object), or {@code null}
 * @param costUsd what RunComfy says the request cost, in USD, or {@code null} when it did
 * not say
 * @param queuePosition the request's place in RunComfy's queue, when it is queued and
 * RunComfy said so
 */
public record RequestResult(String requestId, String status, @Nullable JsonNode output, @Nullable Instant createdAt,
		@Nullable Instant finishedAt, @Nullable JsonNode error, @Nullable BigDecimal costUsd,
		@Nullable Integer queuePosition) {

	/** The status mapped to what the gateway acts on. */
	public UpstreamState state() {
		return UpstreamState.of(this.status);
	}

	/** Whether the request finished with output, the only outcome that is a success. */
	public boolean succeeded() {
		return state() == UpstreamState.COMPLETED && hasOutput();
	}

	/**
	 * Whether the request finished without producing output: RunComfy reported it
	 * {@code failed}, or {@code completed} with no output (normally with an
	 * {@code error}). The job fails with {@link #errorMessage()}.
	 */
	public boolean failed() {
		return state() == UpstreamState.FAILED || (state() == UpstreamState.COMPLETED && !hasOutput());
	}

	/**
	 * RunComfy's words for what went wrong: the {@code error} string, or the message
	 * inside an {@code error} object; a description of its own when the request failed
	 * without either; {@code null} when there is nothing wrong.
	 */
	public @Nullable String errorMessage() {
		if (this.error != null) {
			String message = RunComfyJson.message(this.error);
			if (message != null) {
				return message;
			}
		}
		return failed() ? "RunComfy reported the request " + this.status + " without output or error" : null;
	}

	private boolean hasOutput() {
		JsonNode out = this.output;
		return out != null && !((out.isObject() || out.isArray()) && out.isEmpty());
	}

}
