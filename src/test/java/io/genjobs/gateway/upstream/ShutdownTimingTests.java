package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher's drain on shutdown, against the shipped settings: it lasts at least
 * RunComfy's response timeout (a submit that just left gets its answer recorded), and it
 * fits {@code spring.lifecycle.timeout-per-shutdown-phase}, which the grace periods of
 * Compose and Kubernetes are checked against ({@code PackagingTests}).
 */
class ShutdownTimingTests {

	@Test
	void theDispatchersDrainLastsTheResponseTimeoutAndFitsTheShutdownPhase() throws IOException {
		Map<String, Object> application = new Yaml()
			.load(Files.readString(Path.of("src/main/resources/application.yaml")));
		Duration connect = duration(application, "gateway.runcomfy.connect-timeout");
		Duration response = duration(application, "gateway.runcomfy.response-timeout");
		Duration phase = duration(application, "spring.lifecycle.timeout-per-shutdown-phase");

		Duration drain = Dispatcher
			.drainTimeout(new RunComfySettings(URI.create("http://127.0.0.1"), null, connect, response));

		assertThat(drain).isGreaterThanOrEqualTo(response.plus(connect));
		assertThat(drain.plus(Dispatcher.STOP_SLACK)).isLessThanOrEqualTo(phase);
	}

	@SuppressWarnings("unchecked")
	private static Duration duration(Map<String, Object> yaml, String path) {
		Object node = yaml;
		for (String key : path.split("\\.")) {
			node = ((Map<String, Object>) node).get(key);
		}
		return DurationStyle.detectAndParse(String.valueOf(node));
	}

}
