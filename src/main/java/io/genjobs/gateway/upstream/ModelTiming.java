package io.genjobs.gateway.upstream;

import org.jspecify.annotations.Nullable;

/**
 * What one model's jobs took so far, as log-normal estimates: the mean and standard
 * deviation of the natural log of durations in seconds. {@code total} runs from the
 * submit to RunComfy's finish; {@code run} (known once some job was seen running) from
 * its start to its finish.
 *
 * @param model the model id
 * @param samples finished jobs learned from
 * @param totalMu mean of log(total seconds)
 * @param totalSigma standard deviation of log(total seconds)
 * @param runMu mean of log(run seconds), or {@code null}
 * @param runSigma standard deviation of log(run seconds), or {@code null}
 */
record ModelTiming(String model, long samples, double totalMu, double totalSigma, @Nullable Double runMu,
		@Nullable Double runSigma) {

	/** The median total duration, in seconds. */
	double medianSeconds() {
		return Math.exp(this.totalMu);
	}

}
