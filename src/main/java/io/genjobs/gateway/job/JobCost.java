package io.genjobs.gateway.job;

import java.math.BigDecimal;

import jakarta.persistence.Embeddable;

/**
 * What a job costs (DESIGN, "Spend and budgets"): the estimate made at accept from its
 * model's price, and once it ended the cost booked for it and where that figure comes
 * from. Part of the {@link Job}, which decides when it is settled.
 */
@Embeddable
class JobCost {

	/** {@code source} of a cost RunComfy reported. */
	static final String FROM_RUNCOMFY = "runcomfy";

	/** {@code source} of a cost booked as the estimate, for want of RunComfy's. */
	static final String FROM_ESTIMATE = "estimate";

	private BigDecimal estimatedCostUsd;

	private BigDecimal actualCostUsd;

	private String costSource;

	protected JobCost() {
	}

	JobCost(BigDecimal estimatedCostUsd) {
		this.estimatedCostUsd = estimatedCostUsd;
	}

	/** RunComfy said what the job cost (before it is settled). */
	void reported(BigDecimal costUsd) {
		this.actualCostUsd = costUsd;
	}

	/**
	 * Fixes the cost of a job that just ended: RunComfy's figure when it gave one, else
	 * the estimate, marked as such, for a job that was sent; nothing for one never sent.
	 */
	void settle(boolean sent) {
		if (this.actualCostUsd != null) {
			this.costSource = FROM_RUNCOMFY;
		}
		else if (sent && this.estimatedCostUsd != null) {
			this.actualCostUsd = this.estimatedCostUsd;
			this.costSource = FROM_ESTIMATE;
		}
	}

	BigDecimal estimatedUsd() {
		return this.estimatedCostUsd;
	}

	BigDecimal actualUsd() {
		return this.actualCostUsd;
	}

	String source() {
		return this.costSource;
	}

}
