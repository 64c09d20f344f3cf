package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.upstream.simulator.RunComfySimulator;
import io.genjobs.gateway.upstream.simulator.SimulatorSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** How the gateway decides, at start-up, where RunComfy calls go. */
class UpstreamConfigurationTests {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Settings.class, UpstreamConfiguration.class, RunComfyClient.class)
		.withBean(WebClient.Builder.class, WebClient::builder);

	@Test
	void refusesToStartWithoutATokenOrTheSimulator() {
		this.contexts.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("gateway.runcomfy.api-token")
				.hasMessageContaining("RUNCOMFY_API_TOKEN");
		});
		this.contexts.withPropertyValues("gateway.runcomfy.api-token=   ")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void callsTheConfiguredBaseUrlWithTheConfiguredToken() {
		this.contexts
			.withPropertyValues("gateway.runcomfy.api-token=rc-real-token",
					"gateway.runcomfy.base-url=https://model-api.example.test/")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanProvider(RunComfySimulator.class).getIfAvailable()).as("no simulator runs")
					.isNull();
				UpstreamEndpoint endpoint = context.getBean(UpstreamEndpoint.class);
				assertThat(endpoint.baseUrl()).isEqualTo("https://model-api.example.test");
				assertThat(endpoint.apiToken()).isEqualTo("rc-real-token");
				assertThat(context.getBean(RunComfySettings.class).toString()).doesNotContain("rc-real-token");
			});
	}

	@Test
	void usesTheDefaultsOfTheContract() {
		this.contexts.withPropertyValues("gateway.runcomfy.api-token=t").run((context) -> {
			RunComfySettings settings = context.getBean(RunComfySettings.class);
			assertThat(settings.baseUrl()).hasToString("https://model-api.runcomfy.net");
			assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
			SimulatorSettings simulator = context.getBean(SimulatorSettings.class);
			assertThat(simulator.enabled()).isFalse();
			assertThat(simulator.port()).isZero();
		});
	}

	@Test
	void startsTheSimulatorAndPointsTheClientAtItWithoutAToken() {
		int[] port = new int[1];
		this.contexts
			.withPropertyValues("gateway.simulator.enabled=true", "gateway.simulator.token=sim-token",
					"gateway.simulator.queue-delay=0s", "gateway.simulator.run-delay=0s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RunComfySimulator simulator = context.getBean(RunComfySimulator.class);
				port[0] = simulator.port();
				UpstreamEndpoint endpoint = context.getBean(UpstreamEndpoint.class);
				assertThat(endpoint.baseUrl()).isEqualTo(simulator.baseUrl()).startsWith("http://127.0.0.1:");
				assertThat(endpoint.apiToken()).isEqualTo("sim-token");

				RunComfyClient client = context.getBean(RunComfyClient.class);
				Submission submission = client
					.submit("bytedance/dreamina-3-0/pro/image-to-video",
							JsonMapper.builder().build().readTree("{\"prompt\": \"A cat\"}"))
					.block(Duration.ofSeconds(10));
				assertThat(client.result(submission.requestId()).block(Duration.ofSeconds(10)).succeeded()).isTrue();
				assertThat(simulator.submissions()).singleElement()
					.satisfies((recorded) -> assertThat(recorded.bearerToken()).isEqualTo("sim-token"));
			});
		assertThatExceptionOfType(IOException.class).as("the simulator stops with the application")
			.isThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port[0]).close());
	}

	@Test
	void bindsEverySimulatorSetting() {
		this.contexts
			.withPropertyValues("gateway.simulator.enabled=true", "gateway.simulator.token=sim-token",
					"gateway.simulator.models=a/b,c/d/e", "gateway.simulator.queue-delay=3s",
					"gateway.simulator.run-delay=4s", "gateway.simulator.error-rate=0.1",
					"gateway.simulator.rate-limit-rate=0.2", "gateway.simulator.retry-after=9s",
					"gateway.simulator.http200-error-rate=0.3", "gateway.simulator.slow-rate=0.4",
					"gateway.simulator.slow-delay=45s", "gateway.simulator.never-finish-rate=0.5",
					"gateway.simulator.fail-rate=0.6", "gateway.simulator.unknown-status-rate=0.7",
					"gateway.simulator.seed=99", "gateway.simulator.insufficient-balance=true",
					"gateway.simulator.queue-delay-sigma=0.5", "gateway.simulator.run-delay-sigma=0.25",
					"gateway.simulator.result-errors-before-completion=true")
			.run((context) -> {
				SimulatorSettings settings = context.getBean(RunComfySimulator.class).settings();
				assertThat(settings).isEqualTo(new SimulatorSettings(true, 0, "sim-token", List.of("a/b", "c/d/e"),
						Duration.ofSeconds(3), Duration.ofSeconds(4), 0.1, 0.2, Duration.ofSeconds(9), 0.3, 0.4,
						Duration.ofSeconds(45), 0.5, 0.6, 0.7, 99L, null, true, 0.5, 0.25, true));
			});
	}

	@Test
	void refusesARateAboveOne() {
		this.contexts.withPropertyValues("gateway.simulator.enabled=true", "gateway.simulator.error-rate=1.5")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(BindValidationException.class)
					.hasStackTraceContaining("errorRate");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ RunComfySettings.class, SimulatorSettings.class })
	static class Settings {

	}

}
