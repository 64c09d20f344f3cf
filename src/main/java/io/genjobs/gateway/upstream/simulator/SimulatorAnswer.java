package io.genjobs.gateway.upstream.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;

/**
 * One JSON answer of the simulator, as RunComfy shapes them: an HTTP status, a body,
 * extra headers, the id of the job it created (if any) and how long to hold it back.
 */
record SimulatorAnswer(int status, String body, Map<String, String> headers, @Nullable String createdRequestId,
		Duration delay) {

	private static final JsonMapper json = JsonMapper.builder().build();

	static ObjectNode object() {
		return json.createObjectNode();
	}

	static SimulatorAnswer ok(JsonNode body) {
		return new SimulatorAnswer(200, json.writeValueAsString(body), Map.of(), null, Duration.ZERO);
	}

	static SimulatorAnswer created(JsonNode body, String requestId) {
		return new SimulatorAnswer(200, json.writeValueAsString(body), Map.of(), requestId, Duration.ZERO);
	}

	/** RunComfy's error shape: {@code {"error_code", "message"}}. */
	static SimulatorAnswer error(int status, long code, String message) {
		ObjectNode body = object();
		body.put("error_code", code);
		body.put("message", message);
		return new SimulatorAnswer(status, json.writeValueAsString(body), Map.of(), null, Duration.ZERO);
	}

	SimulatorAnswer withHeader(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(name, value);
		return new SimulatorAnswer(this.status, this.body, Map.copyOf(more), this.createdRequestId, this.delay);
	}

	SimulatorAnswer delayedBy(Duration delay) {
		return new SimulatorAnswer(this.status, this.body, this.headers, this.createdRequestId, delay);
	}

	Mono<Void> sendTo(HttpServerResponse response) {
		byte[] bytes = this.body.getBytes(StandardCharsets.UTF_8);
		response.status(this.status)
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length));
		this.headers.forEach(response::header);
		return response.sendByteArray(Mono.just(bytes)).then();
	}

}
