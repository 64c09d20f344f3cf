package io.genjobs.gateway.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.job.JobLifecycle.DispatchTicket;

/**
 * The submit leases one dispatcher holds: every claimed job until it is recorded or
 * handed back. Leases are renewed together, in one statement, every third of
 * {@code submit-lease}; a claim whose hand-back failed (the database was away) is handed
 * back by a later round.
 */
final class HeldClaims {

	private static final Log logger = LogFactory.getLog(HeldClaims.class);

	private final JobLifecycle jobs;

	private final String owner;

	private final Duration lease;

	private final Map<UUID, Claim> claims = new ConcurrentHashMap<>();

	/** When the leases were last renewed ({@link System#nanoTime()}). */
	private volatile long renewedAt = System.nanoTime();

	HeldClaims(JobLifecycle jobs, String owner, Duration lease) {
		this.jobs = jobs;
		this.owner = owner;
		this.lease = lease;
	}

	Claim add(DispatchTicket ticket, long leaseUntil, boolean paymentTry) {
		Claim claim = new Claim(ticket, leaseUntil, paymentTry);
		this.claims.put(ticket.jobId(), claim);
		return claim;
	}

	void remove(UUID jobId) {
		this.claims.remove(jobId);
	}

	/** The jobs of every claim whose submit never left; all claims are dropped. */
	List<UUID> takeUnsent() {
		List<UUID> unsent = this.claims.values().stream().filter((c) -> !c.sent).map((c) -> c.ticket.jobId()).toList();
		this.claims.clear();
		return unsent;
	}

	/**
	 * Renews every lease held, every third of {@code submit-lease}, in one statement; a
	 * claim whose lease was not renewed is no longer this instance's and is not sent.
	 * Claims whose hand-back failed (the database was away) are handed back here.
	 */
	void renew() {
		handBackStranded();
		long now = System.nanoTime();
		Duration lease = this.lease;
		if (this.claims.isEmpty() || now - this.renewedAt < lease.toNanos() / 3) {
			return;
		}
		Set<UUID> held = Set.copyOf(this.claims.keySet());
		Set<UUID> renewed = this.jobs.renewLeases(this.owner, held, lease);
		this.renewedAt = now;
		for (UUID jobId : held) {
			Claim claim = this.claims.get(jobId);
			if (claim == null) {
				continue;
			}
			if (renewed.contains(jobId)) {
				claim.leaseUntil = now + lease.toNanos();
			}
			else {
				claim.lost = true;
			}
		}
	}

	/**
	 * Back to the queue after a refusal before sending. When no request of this claim
	 * left at all the claim is not a submit attempt: a breaker opening and closing under
	 * a flaky RunComfy otherwise used up {@code max-submit-attempts} without submits
	 * (bench/chaos-faults.sh, 30% 5xx: jobs took up to 7 of their 10 attempts with the
	 * breaker flapping, at most 3 with it held closed). Answers whether the claim is
	 * settled; one whose hand-back failed stays held, handed back by a later round.
	 */
	boolean handBack(Claim claim, Instant notBefore) {
		return handBack(claim, notBefore, !claim.sent);
	}

	/**
	 * Back to the queue after RunComfy refused the submit for insufficient balance: it
	 * started no job, so it is no attempt either, sent or not (see {@link PaymentPause}).
	 */
	boolean handBackUncounted(Claim claim, Instant notBefore) {
		return handBack(claim, notBefore, true);
	}

	private boolean handBack(Claim claim, Instant notBefore, boolean uncounted) {
		try {
			if (uncounted) {
				this.jobs.handBackUnsent(claim.ticket.jobId(), this.owner, notBefore);
			}
			else {
				this.jobs.retryLater(claim.ticket.jobId(), this.owner, notBefore);
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not hand job " + claim.ticket.jobId() + " back to the queue; trying again shortly: "
					+ ex.getMessage());
			claim.strandedUncounted = uncounted;
			claim.strandedUntil = notBefore;
			return false;
		}
	}

	private void handBackStranded() {
		for (Claim claim : this.claims.values()) {
			Instant notBefore = claim.strandedUntil;
			if (notBefore != null && handBack(claim, notBefore, claim.strandedUncounted)) {
				this.claims.remove(claim.ticket.jobId());
			}
		}
	}

	/** A job this instance holds a submit lease on. */
	static final class Claim {

		final DispatchTicket ticket;

		/** Whether a request of this claim left (or may have). */
		volatile boolean sent;

		/** Whether the lease is known to be another's now. */
		volatile boolean lost;

		/** Until when the lease surely holds ({@link System#nanoTime()}). */
		volatile long leaseUntil;

		/** Set when handing the claim back failed: the hand-back still to make. */
		volatile Instant strandedUntil;

		/** Whether that hand-back is no attempt. */
		volatile boolean strandedUncounted;

		/** Whether this is the one job tried during a payment pause. */
		final boolean paymentTry;

		Claim(DispatchTicket ticket, long leaseUntil, boolean paymentTry) {
			this.ticket = ticket;
			this.leaseUntil = leaseUntil;
			this.paymentTry = paymentTry;
		}

	}

	/** Thrown while waiting or sending when shutdown began before the request left. */
	static final class ShuttingDown extends RuntimeException {

		ShuttingDown() {
			super(null, null, false, false);
		}

	}

	/** Thrown before sending when the lease is no longer this instance's. */
	static final class LeaseLost extends RuntimeException {

		LeaseLost() {
			super(null, null, false, false);
		}

	}

	/**
	 * Thrown while waiting or before sending when a payment pause began: the job goes
	 * back to the queue unsent.
	 */
	static final class PaymentPaused extends RuntimeException {

		PaymentPaused() {
			super(null, null, false, false);
		}

	}

	/** Thrown before sending when the job's client asked for a cancel. */
	static final class CancelBeforeSend extends RuntimeException {

		CancelBeforeSend() {
			super(null, null, false, false);
		}

	}

}
