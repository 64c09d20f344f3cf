package io.genjobs.gateway.webhook;

import java.util.function.BooleanSupplier;

import static io.genjobs.gateway.webhook.DeliveryState.DELIVERED;
import static io.genjobs.gateway.webhook.DeliveryState.FAILED;
import static io.genjobs.gateway.webhook.DeliveryState.PENDING;

/**
 * Every move a delivery can make, from the one state it is legal in to the state it
 * leaves, and the decisions of which move comes next. {@code delivered} is final; a
 * {@code failed} delivery only goes back to {@code pending} by a manual retry. The
 * statements of {@link DeliveryQueue} name each move's states ({@link #inSql}), so a move
 * the table refuses changes no row.
 */
enum DeliveryMove {

	/**
	 * A worker takes a due delivery under a lease of its own; the claim is an attempt.
	 */
	CLAIM(PENDING, PENDING),

	/** The consumer answered 2xx. */
	DELIVER(PENDING, DELIVERED),

	/** An attempt failed and attempts are left: due again after the schedule's wait. */
	RESCHEDULE(PENDING, PENDING),

	/**
	 * An attempt failed and none is left, or the endpoint was disabled or deleted while
	 * it was under way.
	 */
	GIVE_UP(PENDING, FAILED),

	/**
	 * The endpoint answered {@code 410 Gone}: the delivery fails and the endpoint is
	 * disabled.
	 */
	DISABLE(PENDING, FAILED),

	/**
	 * The endpoint was disabled or deleted before the attempt: the delivery is not sent.
	 */
	DROP(PENDING, FAILED),

	/**
	 * A stopping instance hands its claim back unattempted, due at once for any instance.
	 */
	RELEASE(PENDING, PENDING),

	/** A manual retry of a failed delivery: one attempt more, due now. */
	RETRY_FAILED(FAILED, PENDING),

	/** A manual retry of a pending delivery: due now instead of at its next attempt. */
	DUE_NOW(PENDING, PENDING);

	private static final int GONE = 410;

	private final DeliveryState from;

	private final DeliveryState to;

	DeliveryMove(DeliveryState from, DeliveryState to) {
		this.from = from;
		this.to = to;
	}

	/** The state this move starts from. */
	DeliveryState from() {
		return this.from;
	}

	/** The state this move leaves the delivery in. */
	DeliveryState to() {
		return this.to;
	}

	/** Whether a delivery in {@code state} may make this move. */
	boolean allowedFrom(DeliveryState state) {
		return state == this.from;
	}

	/**
	 * {@code sql} with {@code {from}} and {@code {to}} replaced by this move's states,
	 * and any state named as {@code {pending}} (see {@link DeliveryState#inSql}).
	 */
	String inSql(String sql) {
		return DeliveryState.inSql(sql.replace("{from}", this.from.literal()).replace("{to}", this.to.literal()));
	}

	/**
	 * What follows an attempt that got {@code result}: delivered on a 2xx; disabled on a
	 * 410 from a team endpoint; failed for good when it was the last attempt or the
	 * endpoint is no longer enabled (asked only then); otherwise rescheduled.
	 */
	static DeliveryMove afterAttempt(WebhookSender.Result result, boolean toEndpoint, boolean lastAttempt,
			BooleanSupplier endpointEnabled) {
		if (result.succeeded()) {
			return DELIVER;
		}
		if (toEndpoint && Integer.valueOf(GONE).equals(result.statusCode())) {
			return DISABLE;
		}
		if (lastAttempt || (toEndpoint && !endpointEnabled.getAsBoolean())) {
			return GIVE_UP;
		}
		return RESCHEDULE;
	}

	/**
	 * The move a manual retry of a delivery in {@code state} makes: a failed one gets one
	 * attempt more, a pending one is made due now. Refused for a delivered one and for
	 * one whose endpoint is disabled or deleted ({@code endpointEnabled}, asked only for
	 * a delivery not yet delivered).
	 * @throws DeliveryNotRetryableException when the retry is refused
	 */
	static DeliveryMove byHand(DeliveryState state, BooleanSupplier endpointEnabled) {
		if (state == DELIVERED) {
			throw new DeliveryNotRetryableException("The delivery was delivered already.");
		}
		if (!endpointEnabled.getAsBoolean()) {
			throw new DeliveryNotRetryableException(
					"The delivery's endpoint was disabled (it answered 410 Gone) or deleted.");
		}
		return RETRY_FAILED.allowedFrom(state) ? RETRY_FAILED : DUE_NOW;
	}

}
