package io.genjobs.gateway.upstream.simulator;

import java.time.Duration;
import java.util.Random;
import java.util.UUID;

import io.genjobs.gateway.upstream.simulator.SimulatedJob.Fate;

/**
 * The simulator's delays and injected faults, settable at run time, and the one seeded
 * source of random draws behind them (request ids included), so that a run with a given
 * seed draws the same sequence again. Each draw is made only where the original call
 * needs it: a rate of 0 or 1 draws nothing.
 */
final class SimulatorFaults {

	private final SimulatorSettings settings;

	private final long seed;

	private volatile Random random;

	/**
	 * The delays' own draws, apart from the faults', so that giving delays a spread does
	 * not change which calls fail.
	 */
	private volatile Random delays;

	private volatile double queueDelaySigma;

	private volatile double runDelaySigma;

	private volatile Duration queueDelay;

	private volatile Duration runDelay;

	private volatile Duration slowDelay;

	private volatile Duration retryAfter;

	private volatile double errorRate;

	private volatile double rateLimitRate;

	private volatile double http200ErrorRate;

	private volatile double slowRate;

	private volatile double neverFinishRate;

	private volatile double failRate;

	private volatile double unknownStatusRate;

	private volatile boolean insufficientBalance;

	SimulatorFaults(SimulatorSettings settings) {
		this.settings = settings;
		Long configured = settings.seed();
		this.seed = (configured != null) ? configured : new Random().nextLong();
		reset();
	}

	long seed() {
		return this.seed;
	}

	/**
	 * Restores the started-with rates and delays and restarts the draws from the seed.
	 */
	void reset() {
		this.random = new Random(this.seed);
		this.delays = new Random(this.seed ^ 0x5DEECE66DL);
		this.queueDelaySigma = sigma(this.settings.queueDelaySigma());
		this.runDelaySigma = sigma(this.settings.runDelaySigma());
		this.queueDelay = nonNegative(this.settings.queueDelay());
		this.runDelay = nonNegative(this.settings.runDelay());
		this.slowDelay = nonNegative(this.settings.slowDelay());
		this.retryAfter = nonNegative(this.settings.retryAfter());
		this.errorRate = rate(this.settings.errorRate());
		this.rateLimitRate = rate(this.settings.rateLimitRate());
		this.http200ErrorRate = rate(this.settings.http200ErrorRate());
		this.slowRate = rate(this.settings.slowRate());
		this.neverFinishRate = rate(this.settings.neverFinishRate());
		this.failRate = rate(this.settings.failRate());
		this.unknownStatusRate = rate(this.settings.unknownStatusRate());
		this.insufficientBalance = this.settings.insufficientBalance();
	}

	void setQueueDelay(Duration queueDelay) {
		this.queueDelay = nonNegative(queueDelay);
	}

	void setRunDelay(Duration runDelay) {
		this.runDelay = nonNegative(runDelay);
	}

	void setSlowDelay(Duration slowDelay) {
		this.slowDelay = nonNegative(slowDelay);
	}

	void setRetryAfter(Duration retryAfter) {
		this.retryAfter = nonNegative(retryAfter);
	}

	void setErrorRate(double rate) {
		this.errorRate = rate(rate);
	}

	void setRateLimitRate(double rate) {
		this.rateLimitRate = rate(rate);
	}

	void setHttp200ErrorRate(double rate) {
		this.http200ErrorRate = rate(rate);
	}

	void setSlowRate(double rate) {
		this.slowRate = rate(rate);
	}

	void setNeverFinishRate(double rate) {
		this.neverFinishRate = rate(rate);
	}

	void setFailRate(double rate) {
		this.failRate = rate(rate);
	}

	void setUnknownStatusRate(double rate) {
		this.unknownStatusRate = rate(rate);
	}

	void setInsufficientBalance(boolean insufficient) {
		this.insufficientBalance = insufficient;
	}

	/** Whether submits are refused for insufficient balance (no draw: a switch). */
	boolean insufficientBalance() {
		return this.insufficientBalance;
	}

	void setDelaySigmas(double queueDelaySigma, double runDelaySigma) {
		this.queueDelaySigma = sigma(queueDelaySigma);
		this.runDelaySigma = sigma(runDelaySigma);
	}

	/**
	 * A new job's queue delay: log-normal around {@code queue-delay} when it has a
	 * spread.
	 */
	Duration queueDelay() {
		return draw(this.queueDelay, this.queueDelaySigma);
	}

	/**
	 * A new job's run delay: log-normal around {@code run-delay} when it has a spread.
	 */
	Duration runDelay() {
		return draw(this.runDelay, this.runDelaySigma);
	}

	/** {@code median × e^(sigma × N(0, 1))}, from the seeded delay draws. */
	private Duration draw(Duration median, double sigma) {
		if (sigma == 0 || median.isZero()) {
			return median;
		}
		double factor;
		synchronized (this) {
			factor = Math.exp(sigma * this.delays.nextGaussian());
		}
		return Duration.ofNanos((long) (median.toNanos() * factor));
	}

	/** The wait a 429 asks for. */
	Duration retryAfter() {
		return this.retryAfter;
	}

	/** How late this answer comes: the slow delay by the slow rate, else at once. */
	Duration answerDelay() {
		return chance(this.slowRate) ? this.slowDelay : Duration.ZERO;
	}

	boolean serverError() {
		return chance(this.errorRate);
	}

	boolean rateLimited() {
		return chance(this.rateLimitRate);
	}

	boolean errorWith200() {
		return chance(this.http200ErrorRate);
	}

	boolean undocumentedStatus() {
		return chance(this.unknownStatusRate);
	}

	/** The course a new job takes, drawn when it is submitted. */
	Fate fate() {
		return chance(this.neverFinishRate) ? Fate.NEVER_FINISH : chance(this.failRate) ? Fate.FAIL : Fate.SUCCEED;
	}

	/** A new request id, from the seeded draws. */
	String requestId() {
		return new UUID(this.random.nextLong(), this.random.nextLong()).toString();
	}

	/** An even chance, for picking between two equivalent answers. */
	boolean coinFlip() {
		return this.random.nextBoolean();
	}

	private boolean chance(double rate) {
		return rate > 0 && (rate >= 1 || this.random.nextDouble() < rate);
	}

	private static double rate(double rate) {
		if (!(rate >= 0 && rate <= 1)) {
			throw new IllegalArgumentException("A rate is a chance between 0 and 1, not " + rate);
		}
		return rate;
	}

	private static double sigma(double sigma) {
		if (!(sigma >= 0 && sigma <= 5)) {
			throw new IllegalArgumentException("A delay's spread is between 0 and 5, not " + sigma);
		}
		return sigma;
	}

	private static Duration nonNegative(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("A delay cannot be negative: " + duration);
		}
		return duration;
	}

}
