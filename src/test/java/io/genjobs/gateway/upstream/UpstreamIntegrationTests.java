package io.genjobs.gateway.upstream;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole gateway with the test profile: the simulator starts with it and is reached.
 */
@IntegrationTest
class UpstreamIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	RunComfySimulator simulator;

	@Autowired
	RunComfyClient client;

	@Autowired
	JsonMapper jsonMapper;

	@Test
	void theGatewaysClientReachesTheSimulatorItStarted() {
		assertThat(this.simulator.baseUrl()).startsWith("http://127.0.0.1:");
		int submitsBefore = this.simulator.submitCount();

		Submission submission = this.client
			.submit("bytedance/dreamina-3-0/pro/image-to-video", this.jsonMapper.readTree("{\"prompt\": \"A cat\"}"))
			.block(WAIT);

		assertThat(submission.statusUrl()).startsWith(this.simulator.baseUrl());
		assertThat(this.simulator.submitCount()).isEqualTo(submitsBefore + 1);
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.client.result(submission.requestId()).block(WAIT).succeeded());
	}

}
