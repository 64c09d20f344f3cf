package io.genjobs.gateway.upstream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.genjobs.gateway.upstream.simulator.RunComfySimulator;
import io.genjobs.gateway.upstream.simulator.SimulatorSettings;

/**
 * Decides where RunComfy calls go. With {@code gateway.simulator.enabled=true} the
 * built-in simulator starts with the application, on loopback and its own port (never on
 * the gateway's public port), and takes RunComfy's place; otherwise calls go to
 * {@code gateway.runcomfy.base-url}, and start-up fails without an API token rather than
 * failing every job later.
 */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

	static final String MISSING_TOKEN = "A RunComfy API token is required: set the environment variable "
			+ "RUNCOMFY_API_TOKEN (property gateway.runcomfy.api-token), or run with the built-in RunComfy simulator "
			+ "(gateway.simulator.enabled=true, as the local profile does).";

	private static final Log logger = LogFactory.getLog(UpstreamConfiguration.class);

	/**
	 * The simulator when {@code gateway.simulator.enabled}, else no bean (a {@code null}
	 * factory result). Decided when the bean is created rather than by a condition:
	 * Spring's AOT processing fixes conditions at build time, and one image serves both
	 * ways (docker-compose turns the simulator on with
	 * {@code GATEWAY_SIMULATOR_ENABLED}).
	 */
	@Bean(destroyMethod = "stop")
	@Nullable RunComfySimulator runComfySimulator(SimulatorSettings settings) {
		return settings.enabled() ? RunComfySimulator.start(settings) : null;
	}

	@Bean
	UpstreamEndpoint upstreamEndpoint(RunComfySettings runComfy, ObjectProvider<RunComfySimulator> simulators) {
		RunComfySimulator simulator = simulators.getIfAvailable();
		if (simulator != null) {
			return simulated(runComfy, simulator);
		}
		if (!runComfy.hasApiToken()) {
			throw new InvalidConfigurationPropertyValueException("gateway.runcomfy.api-token", "", MISSING_TOKEN);
		}
		return new UpstreamEndpoint(runComfy.baseUrl().toString(), runComfy.apiToken());
	}

	private static UpstreamEndpoint simulated(RunComfySettings runComfy, RunComfySimulator simulator) {
		String simulatorToken = simulator.settings().token();
		// Without a token of its own the gateway uses the simulator's, so the simulator
		// works with no token settings at all.
		String token = runComfy.hasApiToken() ? runComfy.apiToken() : simulatorToken;
		if (!token.equals(simulatorToken)) {
			logger.warn("gateway.runcomfy.api-token differs from gateway.simulator.token: "
					+ "the RunComfy simulator will refuse every call with 401");
		}
		logger.info("RunComfy calls go to the built-in simulator at " + simulator.baseUrl() + ", not to "
				+ runComfy.baseUrl());
		return new UpstreamEndpoint(simulator.baseUrl(), token);
	}

}
