package io.genjobs.gateway.upstream;

import java.time.Duration;

/**
 * When to poll a job next, from what its model's jobs took before ({@link ModelTiming}).
 * A job's total duration {@code D} (submit to RunComfy's finish) is taken as log-normal.
 * From elapsed time {@code e} (the job is not done), the next poll is at {@code x + lag},
 * where {@code x} is the point by which only {@link #LATE_SHARE} more of all jobs finish
 * ({@code F(x) = F(e) + LATE_SHARE}) and {@code lag} is {@code poll-target-lag}: a job
 * finishing before {@code x} is seen late (more than {@code lag} after its finish), one
 * finishing between {@code x} and the poll on time. The consequence is the shape asked
 * for: where few jobs finish (early, or long after the expected end) {@code x} lies far
 * ahead and polls are sparse; around the expected end {@code F} climbs fast and polls
 * come every {@code lag}; so nearly every job (all but a few times {@code LATE_SHARE}) is
 * seen within {@code lag} of its finish, at the fewest calls. A job still queued cannot
 * finish before its shortest plausible run (the run's 1st percentile), so its next poll
 * is no sooner. The wait is clamped to {@code [min-poll-interval, max-poll-interval]}.
 */
final class PollSchedule {

	/** Share of all jobs allowed to be seen late by one wait. */
	static final double LATE_SHARE = 0.01;

	/** Past the median, a wait is at most the time elapsed divided by this. */
	static final double TAIL_BACKOFF = 8;

	/**
	 * Log-normal spread assumed at least, so that a few identical samples do not poll
	 * once, blind.
	 */
	static final double MIN_SIGMA = 0.1;

	/** The standard normal's 1st percentile. */
	private static final double Z_01 = -2.326;

	private PollSchedule() {
	}

	/**
	 * The wait before the next poll of a job of a model with this timing.
	 * @param timing the model's estimates
	 * @param elapsed time since the job's submit
	 * @param queued whether RunComfy last said the job waits in its queue
	 * @param targetLag the poll spacing where jobs are likely to finish
	 * @param min the shortest wait
	 * @param max the longest wait
	 */
	static Duration next(ModelTiming timing, Duration elapsed, boolean queued, Duration targetLag, Duration min,
			Duration max) {
		double mu = timing.totalMu();
		double sigma = Math.max(MIN_SIGMA, timing.totalSigma());
		double e = Math.max(0, elapsed.toNanos() / 1e9);
		double done = (e > 0) ? cdf((Math.log(e) - mu) / sigma) : 0;
		double target = done + LATE_SHARE;
		double waitSeconds;
		if (target >= 1 - 1e-9) {
			waitSeconds = Double.POSITIVE_INFINITY;
		}
		else {
			double x = Math.exp(mu + sigma * inverseCdf(target));
			waitSeconds = Math.max(0, x - e) + targetLag.toNanos() / 1e9;
		}
		if (e > Math.exp(mu)) {
			// Past the expected end: back off geometrically (each wait at most an eighth
			// of the time elapsed), not straight to the ceiling: the few jobs in the
			// tail are still seen soon after they finish, and a stale estimate costs
			// little.
			waitSeconds = Math.min(waitSeconds, Math.max(targetLag.toNanos() / 1e9, e / TAIL_BACKOFF));
		}
		Double runMu = timing.runMu();
		if (queued && runMu != null) {
			double runSigma = Math.max(MIN_SIGMA, (timing.runSigma() != null) ? timing.runSigma() : 0);
			waitSeconds = Math.max(waitSeconds, Math.exp(runMu + Z_01 * runSigma));
		}
		return clamp(waitSeconds, min, max);
	}

	private static Duration clamp(double seconds, Duration min, Duration max) {
		Duration floor = (min.compareTo(max) > 0) ? max : min;
		if (!(seconds < max.toNanos() / 1e9)) {
			return max;
		}
		Duration wait = Duration.ofNanos((long) (seconds * 1e9));
		return (wait.compareTo(floor) < 0) ? floor : wait;
	}

	/**
	 * The standard normal distribution function (Abramowitz and Stegun 7.1.26 via erf).
	 */
	static double cdf(double z) {
		double t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.sqrt(2));
		double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
		double erf = 1 - poly * Math.exp(-z * z / 2);
		return (z >= 0) ? (1 + erf) / 2 : (1 - erf) / 2;
	}

	/** The standard normal quantile function (Acklam's rational approximation). */
	static double inverseCdf(double p) {
		if (p <= 0) {
			return Double.NEGATIVE_INFINITY;
		}
		if (p >= 1) {
			return Double.POSITIVE_INFINITY;
		}
		double[] a = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
				-3.066479806614716e+01, 2.506628277459239e+00 };
		double[] b = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
				-1.328068155288572e+01 };
		double[] c = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
				4.374664141464968e+00, 2.938163982698783e+00 };
		double[] d = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00 };
		double low = 0.02425;
		if (p < low) {
			double q = Math.sqrt(-2 * Math.log(p));
			return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
					/ ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
		}
		if (p > 1 - low) {
			double q = Math.sqrt(-2 * Math.log(1 - p));
			return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
					/ ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
		}
		double q = p - 0.5;
		double r = q * q;
		return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
				/ (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}

}
