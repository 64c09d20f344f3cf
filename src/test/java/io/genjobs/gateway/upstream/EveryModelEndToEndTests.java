package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import mockwebserver3.MockWebServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.media.FileDispatcher;
import io.genjobs.gateway.media.TestMediaBytes;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestWebhookConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every model of the built-in simulator's catalog, end to end: the list comes from
 * {@code GET /models} (and must hold every entry of {@code simulator/catalog.json}); for
 * each, an input is built from the model's own {@code input_schema} (its required fields
 * and every media field, media as loopback URLs serving real bytes of the field's kind),
 * the job is posted, forwarded to the simulator, and must succeed with an {@code output}
 * of the model's kind. And for each media kind, a file of another kind in a media field
 * of a synced model is refused with 422 and the field's path, and no job is stored.
 */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
@TestPropertySource(properties = { "gateway.upstream.enabled=true", "gateway.upstream.poll-interval=100ms",
		"gateway.upstream.max-poll-interval=300ms", "gateway.upstream.dispatch-interval=50ms",
		"gateway.upstream.rate-limit-per-second=100", "spring.datasource.hikari.maximum-pool-size=6",
		"spring.datasource.hikari.schema=gateway_every_model", "spring.flyway.schemas=gateway_every_model" })
@DirtiesContext
class EveryModelEndToEndTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String REFERENCE = "bytedance/seedance-2.5/reference-to-video/4k";

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Video and audio files (and impostors) by path, on 127.0.0.1, under names that say
	 * nothing true about what the bytes are (the Content-Type is
	 * {@code application/octet-stream}); images come from {@link TestImageServer}.
	 */
	private static final FileDispatcher files = new FileDispatcher(true)
		.file("/clip-named.png", TestMediaBytes.mp4(1280, 720, 2048))
		.file("/song-named.mp4", TestMediaBytes.mp3WithId3())
		.file("/picture-named.wav", TestMediaBytes.png(640, 480));

	private static final MockWebServer media = startMediaServer();

	private static final AtomicInteger inputs = new AtomicInteger();

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	TestTeam team;

	@DynamicPropertySource
	static void allowTheMediaServer(DynamicPropertyRegistry registry) {
		// A list binds from one property source: name the shared test servers again.
		registry.add("gateway.outbound.allowed-hosts[0]", TestImageServer::hostPort);
		registry.add("gateway.outbound.allowed-hosts[1]", TestWebhookConsumer::hostPort);
		registry.add("gateway.outbound.allowed-hosts[2]", () -> "127.0.0.1:" + media.getPort());
	}

	@AfterAll
	static void stopMediaServer() {
		media.close();
	}

	@BeforeEach
	void newTeamOnceTheWholeCatalogIsSynced() {
		this.team = this.teams.create();
		List<String> expected = simulatorCatalogIds();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!models().stream().map((model) -> model.get("id").stringValue()).toList().containsAll(expected)) {
			assertThat(System.nanoTime()).as("the simulator's whole catalog synced: " + expected).isLessThan(deadline);
			TestJobs.sleep(100);
		}
	}

	@TestFactory
	Stream<DynamicTest> everyModelRunsEndToEnd() {
		List<JsonNode> models = models();
		assertThat(models).as("GET /models lists the simulator's catalog").hasSizeGreaterThanOrEqualTo(9);
		assertThat(models.stream().map((model) -> model.get("id").stringValue())).containsAll(simulatorCatalogIds());
		return models.stream()
			.map((model) -> DynamicTest.dynamicTest(model.get("id").stringValue(), () -> runsEndToEnd(model)));
	}

	@ParameterizedTest(name = "{0} in {1}")
	@CsvSource({ "a video, images, /clip-named.png", "an audio file, videos, /song-named.mp4",
			"an image, audios, /picture-named.wav" })
	void aFileOfAnotherKindInAMediaFieldIsRefusedAndNothingIsStored(String what, String field, String path) {
		JsonNode model = model(REFERENCE);
		assertThat(model.get("source").stringValue()).as("a synced model").isEqualTo("runcomfy");
		ObjectNode input = validInput(model);
		input.putArray(field).add(mediaUrl(path));
		int before = jobCount();

		EntityExchangeResult<JsonNode> refused = post(REFERENCE, input).expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JsonNode.class)
			.returnResult();

		JsonNode problem = refused.getResponseBody();
		assertThat(problem.get("errors").valueStream().map((error) -> error.get("field").stringValue()))
			.as(json.writeValueAsString(problem))
			.containsExactly("input." + field + "[0]");
		assertThat(jobCount()).as("no job stored").isEqualTo(before);
	}

	private void runsEndToEnd(JsonNode model) {
		String id = model.get("id").stringValue();
		assertThat(model.get("available").asBoolean())
			.as(id + " is available: " + model.path("unavailable_reason").asString(""))
			.isTrue();
		ObjectNode input = validInput(model);
		int mediaRequests = media.getRequestCount();
		EntityExchangeResult<JsonNode> accepted = post(id, input).expectBody(JsonNode.class).returnResult();
		assertThat(accepted.getStatus().value()).as(id + " accepts " + input + ": " + accepted.getResponseBody())
			.isEqualTo(202);
		for (String url : mediaUrls(input)) {
			if (url.startsWith(TestImageServer.url("/"))) {
				assertThat(TestImageServer.hits(url.substring(TestImageServer.url("").length())))
					.as("the gateway fetched " + url)
					.isPositive();
			}
			else {
				assertThat(media.getRequestCount()).as("the gateway fetched " + url).isGreaterThan(mediaRequests);
			}
		}
		JsonNode job = TestJobs.await(this.client, this.team, accepted.getResponseBody().get("id").stringValue(),
				Set.of("succeeded", "failed"), TIMEOUT);
		assertThat(job.get("status").stringValue()).as(json.writeValueAsString(job)).isEqualTo("succeeded");
		assertThat(job.get("model").stringValue()).isEqualTo(id);
		JsonNode output = job.get("output");
		assertThat(output.isObject()).as(json.writeValueAsString(job)).isTrue();
		switch (outputKind(model)) {
			case "image" -> {
				assertThat(output.propertyNames()).containsExactly("images");
				assertThat(output.get("images").isArray()).isTrue();
				assertThat(output.get("images").valueStream().map(JsonNode::stringValue)).isNotEmpty()
					.allSatisfy((url) -> assertThat(url).endsWith(".jpg"));
			}
			case "video" -> {
				assertThat(output.propertyNames()).containsExactly("video");
				assertThat(output.get("video").stringValue()).endsWith(".mp4");
			}
			default -> {
				assertThat(output.propertyNames()).containsExactly("audio");
				assertThat(output.get("audio").stringValue()).endsWith(".wav");
			}
		}
	}

	/**
	 * What a model makes, by the last word of its categories ({@code image-to-video}).
	 */
	private static String outputKind(JsonNode model) {
		for (JsonNode category : model.get("categories")) {
			String name = category.stringValue().toLowerCase(Locale.ROOT);
			for (String kind : List.of("image", "video", "audio")) {
				if (name.endsWith(kind)) {
					return kind;
				}
			}
		}
		throw new AssertionError("no output kind in the categories of " + model.get("id"));
	}

	// ------------------------------------------------------------ the input

	/**
	 * An input the model's schema accepts: every required field, and every media field
	 * (required or not, so that each kind is checked), each with a valid value.
	 */
	private static ObjectNode validInput(JsonNode model) {
		JsonNode schema = model.get("input_schema");
		Set<String> required = new HashSet<>();
		schema.path("required").forEach((name) -> required.add(name.stringValue()));
		// Media URLs of their own per input: the gateway caches probe answers by URL.
		String prefix = model.get("id").stringValue().replaceAll("[^a-z0-9]+", "-") + "-" + inputs.incrementAndGet();
		ObjectNode input = json.createObjectNode();
		for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
			String name = property.getKey();
			JsonNode field = property.getValue();
			if (required.contains(name) || mediaKind(field) != null) {
				input.set(name, value(field, prefix + "-" + name));
			}
		}
		return input;
	}

	private static JsonNode value(JsonNode field, String name) {
		String kind = mediaKind(field);
		String format = field.path("format").asString("");
		if (kind != null && !format.endsWith("_uris") && !"array".equals(type(field))) {
			return json.getNodeFactory().stringNode(mediaFor(kind, name));
		}
		if (kind != null) {
			ArrayNode items = json.createArrayNode();
			int count = Math.max(1, field.path("minItems").asInt(1));
			for (int i = 0; i < count; i++) {
				items.add(mediaFor(kind, name + "-" + i));
			}
			return items;
		}
		if (field.has("enum")) {
			return field.get("enum").get(0);
		}
		return switch (type(field)) {
			case "string" -> json.getNodeFactory().stringNode(text(field));
			case "integer" -> json.getNodeFactory().numberNode((long) number(field));
			case "number", "float" -> json.getNodeFactory().numberNode(number(field));
			case "boolean" -> json.getNodeFactory().booleanNode(true);
			default -> {
				assertThat(field.has("default")).as("a value for " + field).isTrue();
				yield field.get("default");
			}
		};
	}

	private static String type(JsonNode field) {
		return field.path("type").asString("").toLowerCase(Locale.ROOT);
	}

	/** {@code image}, {@code video} or {@code audio} for a media field, else null. */
	private static @Nullable String mediaKind(JsonNode field) {
		String format = field.path("format").asString(field.path("items").path("format").asString(""));
		for (String kind : List.of("image", "video", "audio")) {
			if (format.equals(kind + "_uri") || format.equals(kind + "_uris")) {
				return kind;
			}
		}
		return null;
	}

	private static String text(JsonNode field) {
		String text = "a red fox running through fresh snow at dawn";
		int max = field.path("maxLength").asInt(text.length());
		int min = field.path("minLength").asInt(0);
		StringBuilder built = new StringBuilder(text.substring(0, Math.min(text.length(), max)));
		while (built.length() < min) {
			built.append('x');
		}
		return built.toString();
	}

	/** The minimum when there is one, else the default, else the maximum, else 1. */
	private static double number(JsonNode field) {
		if (field.has("minimum")) {
			return field.get("minimum").asDouble();
		}
		if (field.path("default").isNumber()) {
			return field.get("default").asDouble();
		}
		return field.has("maximum") ? Math.min(1, field.get("maximum").asDouble()) : 1;
	}

	/** A URL of a real file of this kind, by a name of its own. */
	private static String mediaFor(String kind, String name) {
		return switch (kind) {
			case "image" -> TestImageServer.url("/images/1024x768-" + name + ".png");
			case "video" -> {
				files.file("/" + name + ".mp4", TestMediaBytes.mp4(1280, 720, 2048));
				yield mediaUrl("/" + name + ".mp4");
			}
			default -> {
				files.file("/" + name + ".mp3", TestMediaBytes.mp3WithId3());
				yield mediaUrl("/" + name + ".mp3");
			}
		};
	}

	/** The media URLs of an input, top-level strings and list items. */
	private static List<String> mediaUrls(JsonNode input) {
		List<String> urls = new ArrayList<>();
		for (JsonNode value : input) {
			Stream<JsonNode> values = value.isArray() ? value.valueStream() : Stream.of(value);
			values.filter(JsonNode::isString)
				.map(JsonNode::stringValue)
				.filter((text) -> text.startsWith("http://127.0.0.1:"))
				.forEach(urls::add);
		}
		return urls;
	}

	// ------------------------------------------------------------ the API

	private WebTestClient.ResponseSpec post(String model, JsonNode input) {
		ObjectNode body = json.createObjectNode().put("model", model);
		body.set("input", input);
		return this.client.post()
			.uri("/jobs")
			.header("Authorization", this.team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json.writeValueAsString(body))
			.exchange();
	}

	private List<JsonNode> models() {
		List<JsonNode> models = new ArrayList<>();
		String cursor = null;
		do {
			JsonNode page = getJson("/models?limit=100" + ((cursor != null) ? "&cursor=" + cursor : ""));
			page.get("data").forEach(models::add);
			cursor = page.path("next_cursor").isString() ? page.get("next_cursor").stringValue() : null;
		}
		while (cursor != null);
		return models;
	}

	private JsonNode model(String id) {
		return getJson("/models/" + id);
	}

	private int jobCount() {
		int count = 0;
		String cursor = null;
		do {
			JsonNode page = getJson("/jobs?limit=100" + ((cursor != null) ? "&cursor=" + cursor : ""));
			count += page.get("data").size();
			cursor = page.path("next_cursor").isString() ? page.get("next_cursor").stringValue() : null;
		}
		while (cursor != null);
		return count;
	}

	private JsonNode getJson(String uri) {
		return this.client.get()
			.uri(uri)
			.header("Authorization", this.team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	/** The model ids of the simulator's catalog file, as it serves them. */
	private static List<String> simulatorCatalogIds() {
		try (InputStream in = EveryModelEndToEndTests.class.getResourceAsStream("/simulator/catalog.json")) {
			return json.readTree(in).get("models").valueStream().map((m) -> m.get("model_id").stringValue()).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// ------------------------------------------------------------ media

	private static String mediaUrl(String path) {
		return "http://127.0.0.1:" + media.getPort() + path;
	}

	private static MockWebServer startMediaServer() {
		MockWebServer server = new MockWebServer();
		server.setDispatcher(files);
		try {
			server.start(InetAddress.getLoopbackAddress(), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return server;
	}

}
