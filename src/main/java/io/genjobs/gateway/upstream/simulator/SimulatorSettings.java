package io.genjobs.gateway.upstream.simulator;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The built-in RunComfy simulator ({@code gateway.simulator.*}). Rates are chances
 * between 0 and 1, drawn per call (per job for {@code never-finish-rate} and
 * {@code fail-rate}); every rate and delay can also be changed at run time on
 * {@link RunComfySimulator}.
 *
 * @param enabled whether the gateway starts the simulator and sends RunComfy calls to it
 * @param port the loopback port to listen on; 0 picks a free one
 * @param token the bearer token the simulator accepts; never printed
 * @param models the model ids it knows; empty accepts any {@code owner/name/...} id
 * @param queueDelay how long a job stays {@code in_queue}
 * @param runDelay how long a job stays {@code in_progress}
 * @param errorRate chance of a 500 answer
 * @param rateLimitRate chance of a 429 answer with {@code Retry-After}
 * @param retryAfter the wait a 429 asks for (whole seconds)
 * @param http200ErrorRate chance of an error body answered with HTTP 200
 * @param slowRate chance of answering only after {@code slowDelay}
 * @param slowDelay how late a slow answer comes; longer than the client's response
 * timeout to provoke one
 * @param neverFinishRate chance that a job stays {@code in_progress} for ever
 * @param failRate chance that a job completes with an {@code error} and no output
 * @param unknownStatusRate chance that a status answer uses an undocumented value
 * ({@code pending}, {@code waiting}, {@code starting}, {@code processing},
 * {@code succeeded}, {@code failed}) for the same state
 * @param seed seed of the random draws, for reproducible runs; none picks one
 * @param catalogLocation a folder of catalog entries ({@code *.json}, each one entry in
 * RunComfy's shape or {@code {"models": [...]}}) served besides, and over, the built-in
 * sample catalog
 * @param insufficientBalance whether every submit is refused as RunComfy refuses one for
 * insufficient balance (HTTP 402, {@code error_code} 400002); switchable at run time with
 * {@code POST /_simulator/balance}
 * @param queueDelaySigma spread of the queue delays: each job's is drawn log-normal with
 * {@code queue-delay} as its median and this standard deviation of its logarithm (0:
 * every job waits exactly {@code queue-delay})
 * @param runDelaySigma spread of the run delays, likewise around {@code run-delay}
 * @param resultErrorsBeforeCompletion answer the result endpoint with an error (HTTP 400)
 * until the request is done, rather than with its current status as RunComfy does
 */
@ConfigurationProperties("gateway.simulator")
@Validated
public record SimulatorSettings(boolean enabled, @DefaultValue("0") @Min(0) @Max(65535) int port,
		@DefaultValue("simulator-token") @NotBlank String token, @DefaultValue List<String> models,
		@DefaultValue("2s") @NotNull Duration queueDelay, @DefaultValue("5s") @NotNull Duration runDelay,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double errorRate,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double rateLimitRate,
		@DefaultValue("1s") @NotNull Duration retryAfter,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double http200ErrorRate,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double slowRate,
		@DefaultValue("40s") @NotNull Duration slowDelay,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double neverFinishRate,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double failRate,
		@DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double unknownStatusRate, @Nullable Long seed,
		@Nullable String catalogLocation, boolean insufficientBalance,
		@DefaultValue("0") @DecimalMin("0") double queueDelaySigma,
		@DefaultValue("0") @DecimalMin("0") double runDelaySigma, boolean resultErrorsBeforeCompletion) {

	public SimulatorSettings {
		models = (models != null) ? List.copyOf(models) : List.of();
	}

	/** The defaults the properties have, for starting a simulator from code. */
	public static SimulatorSettings defaults() {
		return new SimulatorSettings(false, 0, "simulator-token", List.of(), Duration.ofSeconds(2),
				Duration.ofSeconds(5), 0, 0, Duration.ofSeconds(1), 0, 0, Duration.ofSeconds(40), 0, 0, 0, null, null,
				false, 0, 0, false);
	}

	public SimulatorSettings withPort(int port) {
		return new SimulatorSettings(this.enabled, port, this.token, this.models, this.queueDelay, this.runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, this.seed,
				this.catalogLocation, this.insufficientBalance, this.queueDelaySigma, this.runDelaySigma,
				this.resultErrorsBeforeCompletion);
	}

	public SimulatorSettings withToken(String token) {
		return new SimulatorSettings(this.enabled, this.port, token, this.models, this.queueDelay, this.runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, this.seed,
				this.catalogLocation, this.insufficientBalance, this.queueDelaySigma, this.runDelaySigma,
				this.resultErrorsBeforeCompletion);
	}

	public SimulatorSettings withModels(List<String> models) {
		return new SimulatorSettings(this.enabled, this.port, this.token, models, this.queueDelay, this.runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, this.seed,
				this.catalogLocation, this.insufficientBalance, this.queueDelaySigma, this.runDelaySigma,
				this.resultErrorsBeforeCompletion);
	}

	public SimulatorSettings withDelays(Duration queueDelay, Duration runDelay) {
		return new SimulatorSettings(this.enabled, this.port, this.token, this.models, queueDelay, runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, this.seed,
				this.catalogLocation, this.insufficientBalance, this.queueDelaySigma, this.runDelaySigma,
				this.resultErrorsBeforeCompletion);
	}

	public SimulatorSettings withSeed(long seed) {
		return new SimulatorSettings(this.enabled, this.port, this.token, this.models, this.queueDelay, this.runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, seed, this.catalogLocation,
				this.insufficientBalance, this.queueDelaySigma, this.runDelaySigma, this.resultErrorsBeforeCompletion);
	}

	public SimulatorSettings withCatalogLocation(String catalogLocation) {
		return new SimulatorSettings(this.enabled, this.port, this.token, this.models, this.queueDelay, this.runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, this.seed, catalogLocation,
				this.insufficientBalance, this.queueDelaySigma, this.runDelaySigma, this.resultErrorsBeforeCompletion);
	}

	public SimulatorSettings withDelaySigmas(double queueDelaySigma, double runDelaySigma) {
		return new SimulatorSettings(this.enabled, this.port, this.token, this.models, this.queueDelay, this.runDelay,
				this.errorRate, this.rateLimitRate, this.retryAfter, this.http200ErrorRate, this.slowRate,
				this.slowDelay, this.neverFinishRate, this.failRate, this.unknownStatusRate, this.seed,
				this.catalogLocation, this.insufficientBalance, queueDelaySigma, runDelaySigma,
				this.resultErrorsBeforeCompletion);
	}

	@Override
	public String toString() {
		return "SimulatorSettings[enabled=" + this.enabled + ", port=" + this.port + ", token=(hidden), models="
				+ this.models + ", queueDelay=" + this.queueDelay + ", runDelay=" + this.runDelay + ", errorRate="
				+ this.errorRate + ", rateLimitRate=" + this.rateLimitRate + ", retryAfter=" + this.retryAfter
				+ ", http200ErrorRate=" + this.http200ErrorRate + ", slowRate=" + this.slowRate + ", slowDelay="
				+ this.slowDelay + ", neverFinishRate=" + this.neverFinishRate + ", failRate=" + this.failRate
				+ ", unknownStatusRate=" + this.unknownStatusRate + ", seed=" + this.seed + ", catalogLocation="
				+ this.catalogLocation + ", insufficientBalance=" + this.insufficientBalance + ", queueDelaySigma="
				+ this.queueDelaySigma + ", runDelaySigma=" + this.runDelaySigma + ", resultErrorsBeforeCompletion="
				+ this.resultErrorsBeforeCompletion + "]";
	}

}
