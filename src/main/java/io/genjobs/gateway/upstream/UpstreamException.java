package io.genjobs.gateway.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A call to RunComfy that did not produce a usable answer. Its {@link #kind()} says what
 * is known about the call's effect, which is what a caller decides on: a submit may only
 * be resent when RunComfy surely did not start the job, because RunComfy has no
 * idempotency keys and a resent submit can run, and bill, the job twice. The message
 * never contains the API token.
 */
public class UpstreamException extends RuntimeException {

	/** What went wrong, and so what is known about the call's effect upstream. */
	public enum Kind {

		/**
		 * The request surely never reached RunComfy (connection refused, connect timeout,
		 * DNS failure, TLS handshake failure): safe to resend.
		 */
		NOT_SENT,

		/**
		 * RunComfy answered 429; {@link #retryAfter()} holds its wait when it sent one.
		 */
		RATE_LIMITED,

		/** RunComfy answered with a 5xx status. */
		SERVER_ERROR,

		/**
		 * RunComfy refused the call: a 4xx other than 429, or an error body answered with
		 * HTTP 200. {@link #errorCode()} and {@link #upstreamMessage()} carry its words.
		 */
		REJECTED,

		/**
		 * RunComfy refused the call for insufficient balance on the account: HTTP 402, or
		 * an error body with {@code error_code}
		 * {@value UpstreamException#INSUFFICIENT_BALANCE} under any status. A submit
		 * refused so started no job; it is not resent at once but when the shared payment
		 * pause lets it ({@code PaymentPause}).
		 */
		PAYMENT_REQUIRED,

		/**
		 * The request was (or may have been) sent but no answer came: a response timeout,
		 * or the connection closed or reset after the request was written. RunComfy may
		 * have acted on it.
		 */
		OUTCOME_UNKNOWN,

		/**
		 * RunComfy answered 2xx with a body that is not the expected JSON. For a submit
		 * this means RunComfy most likely accepted the job.
		 */
		MALFORMED;

		/**
		 * Whether a submit that failed this way surely did not start a job upstream, so
		 * that resending it cannot run the job twice (DESIGN: resend only after a
		 * connection failure, a 429 or a 5xx).
		 */
		public boolean safeToResend() {
			return this == NOT_SENT || this == RATE_LIMITED || this == SERVER_ERROR;
		}

	}

	/** RunComfy's {@code error_code} for a call refused for insufficient balance. */
	public static final long INSUFFICIENT_BALANCE = 400002;

	private final Kind kind;

	private final UpstreamOperation operation;

	private final @Nullable Integer httpStatus;

	private final @Nullable Long errorCode;

	private final @Nullable String upstreamMessage;

	private final @Nullable Duration retryAfter;

	UpstreamException(Kind kind, UpstreamOperation operation, @Nullable Integer httpStatus, @Nullable Long errorCode,
			@Nullable String upstreamMessage, @Nullable Duration retryAfter, String description,
			@Nullable Throwable cause) {
		super("RunComfy " + operation.label() + " failed (" + kind + "): " + description, cause);
		this.kind = kind;
		this.operation = operation;
		this.httpStatus = httpStatus;
		this.errorCode = errorCode;
		this.upstreamMessage = upstreamMessage;
		this.retryAfter = retryAfter;
	}

	public Kind kind() {
		return this.kind;
	}

	public UpstreamOperation operation() {
		return this.operation;
	}

	/** The HTTP status RunComfy answered with, or {@code null} when no answer came. */
	public @Nullable Integer httpStatus() {
		return this.httpStatus;
	}

	/** RunComfy's numeric {@code error_code} (for example 400002), when it sent one. */
	public @Nullable Long errorCode() {
		return this.errorCode;
	}

	/** RunComfy's own error message, when it sent one. */
	public @Nullable String upstreamMessage() {
		return this.upstreamMessage;
	}

	/** How long RunComfy asked to wait before the next call ({@code Retry-After}). */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
