package io.genjobs.gateway.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.common.TraceContexts;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestInstances;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.upstream.OtlpReceiver.ReceivedSpan;
import io.genjobs.gateway.upstream.simulator.RecordedSubmission;
import io.genjobs.gateway.upstream.simulator.RunComfySimulator;
import io.genjobs.gateway.upstream.simulator.SimulatorSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces (DESIGN, "Operations"): one job, accepted by one instance and dispatched, polled
 * and delivered by another, is one trace, exported by OTLP/HTTP to a receiver on
 * loopback; a client's traceparent is honoured; RunComfy and the webhook consumer receive
 * traceparent of that trace; log lines and exemplars carry its id.
 */
@IntegrationTest
@AutoConfigureTracing
@Import(TestTeamsWithKeys.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class TracingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final RunComfySimulator simulator = RunComfySimulator.start(SimulatorSettings.defaults()
		.withToken("tracing-token")
		.withDelays(Duration.ofMillis(100), Duration.ofMillis(300)));

	private static final OtlpReceiver receiver = OtlpReceiver.start();

	private static final Path outputs = temporaryFolder();

	private static ConfigurableApplicationContext second;

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	Dispatcher dispatcher;

	@Autowired
	StatusPoller poller;

	@Autowired
	HikariDataSource dataSource;

	@Autowired
	TraceContexts traces;

	@Autowired
	JsonMapper json;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void traced(DynamicPropertyRegistry registry) {
		settings().forEach((name, value) -> registry.add(name, () -> value));
	}

	private static Map<String, String> settings() {
		Map<String, String> properties = new HashMap<>();
		properties.put("gateway.simulator.enabled", "false");
		properties.put("gateway.runcomfy.base-url", simulator.baseUrl());
		properties.put("gateway.runcomfy.api-token", "tracing-token");
		properties.put("gateway.upstream.enabled", "true");
		properties.put("gateway.upstream.poll-interval", "100ms");
		properties.put("gateway.upstream.max-poll-interval", "200ms");
		properties.put("gateway.upstream.dispatch-interval", "50ms");
		properties.put("gateway.webhooks.enabled", "true");
		properties.put("gateway.webhooks.poll-interval", "50ms");
		properties.put("gateway.webhooks.retry-schedule", "100ms,100ms");
		properties.put("gateway.webhooks.timeout", "2s");
		// Outputs copied into one folder both instances share.
		properties.put("gateway.storage.enabled", "true");
		properties.put("gateway.storage.poll-interval", "50ms");
		properties.put("gateway.storage.path", outputs.toString());
		properties.put("gateway.outbound.allowed-hosts[2]", "127.0.0.1:" + simulator.port());
		properties.put("management.opentelemetry.tracing.export.otlp.endpoint", receiver.tracesUrl());
		properties.put("management.opentelemetry.tracing.export.schedule-delay", "100ms");
		properties.put("management.tracing.sampling.probability", "1.0");
		properties.put("spring.datasource.hikari.maximum-pool-size", "5");
		// A schema of its own: these loops must not take other test classes' jobs.
		properties.put("spring.datasource.hikari.schema", "gateway_traces");
		properties.put("spring.flyway.schemas", "gateway_traces");
		return properties;
	}

	@BeforeEach
	void startTheSecondInstance() {
		if (second == null) {
			Map<String, Object> properties = new HashMap<>(settings());
			properties.put("gateway.outbound.allowed-hosts[0]", TestImageServer.hostPort());
			properties.put("gateway.outbound.allowed-hosts[1]", TestWebhookConsumer.hostPort());
			second = TestInstances.start(this.dataSource, properties);
		}
	}

	@AfterEach
	void restartLoops() {
		this.dispatcher.start();
		this.poller.start();
	}

	@AfterAll
	static void stopEverything() {
		if (second != null) {
			second.close();
			second = null;
		}
		simulator.stop();
		receiver.close();
	}

	@Test
	void aJobAcceptedHereAndRunThereIsOneTraceFromTheClientsTraceparentToItsWebhook(CapturedOutput output) {
		// This instance only accepts: the second one submits, polls and fetches the
		// result.
		this.dispatcher.stop();
		this.poller.stop();
		HexFormat hex = HexFormat.of();
		Random random = new Random();
		String traceId = hex.formatHex(randomBytes(random, 16));
		String clientSpanId = hex.formatHex(randomBytes(random, 8));
		TestTeam team = this.teams.create();
		TestWebhookConsumer.Inbox inbox = TestWebhookConsumer.inbox();

		String id = create(team, "traced " + traceId, inbox, "00-" + traceId + "-" + clientSpanId + "-01");

		JsonNode job = TestJobs.await(this.client, team, id, Set.of("succeeded", "failed"), TIMEOUT);
		assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
		assertThat(job.get("trace_id").stringValue()).isEqualTo(traceId);
		// RunComfy and the webhook consumer were sent traceparent of the job's trace.
		RecordedSubmission submission = simulator.submissions()
			.stream()
			.filter((s) -> s.body().contains("traced " + traceId))
			.findFirst()
			.orElseThrow();
		assertThat(submission.headers().getFirst("traceparent")).startsWith("00-" + traceId + "-");
		List<TestWebhookConsumer.Received> deliveries = inbox.await(1, TIMEOUT);
		assertThat(deliveries)
			.allSatisfy((delivery) -> assertThat(delivery.header("traceparent")).startsWith("00-" + traceId + "-"));
		// The spans of both instances arrive as one trace.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(names(receiver.spansOf(traceId))).contains("http post /jobs", "job submit",
					"job poll", "job output copy", "webhook delivery"));
		List<ReceivedSpan> spans = receiver.spansOf(traceId);
		ReceivedSpan accept = only(spans, "http post /jobs");
		assertThat(accept.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
		assertThat(accept.parentSpanId()).isEqualTo(clientSpanId);
		ReceivedSpan submit = only(spans, "job submit");
		assertThat(submit.parentSpanId()).isEqualTo(accept.spanId());
		ReceivedSpan firstPoll = spans.stream()
			.filter((span) -> span.name().equals("job poll"))
			.min((a, b) -> Long.compare(a.startNanos(), b.startNanos()))
			.orElseThrow();
		// One call per poll: the poll that found the job done read its result (a separate
		// "job result" span only where the result endpoint cannot answer before
		// completion).
		ReceivedSpan result = spans.stream()
			.filter((span) -> span.name().equals("job poll"))
			.max((a, b) -> Long.compare(a.startNanos(), b.startNanos()))
			.orElseThrow();
		assertThat(accept.startNanos()).isLessThan(submit.startNanos());
		assertThat(submit.startNanos()).isLessThan(firstPoll.startNanos());
		assertThat(firstPoll.startNanos()).isLessThanOrEqualTo(result.startNanos());
		ReceivedSpan copy = only(spans, "job output copy");
		assertThat(copy.parentSpanId()).isEqualTo(accept.spanId());
		assertThat(result.startNanos()).isLessThan(copy.startNanos());
		// Every RunComfy call and the webhook POST is a client span of the trace.
		assertThat(spans).filteredOn((span) -> span.kind() == SpanKind.SPAN_KIND_CLIENT)
			.extracting(ReceivedSpan::parentSpanId)
			.contains(submit.spanId(), result.spanId(), copy.spanId(), only(spans, "webhook delivery").spanId());
		// Log lines of the accept request name the trace.
		assertThat(output.getAll().lines().filter((line) -> line.contains("POST /jobs 202")))
			.anySatisfy((line) -> assertThat(line).contains("trace_id=" + traceId));
	}

	@Test
	void aJobWithoutTraceparentStartsATraceOfItsOwnWithExemplars() {
		TestTeam team = this.teams.create();
		String id = TestJobs.create(this.client, team, "untraced");
		String traceId = TestJobs.get(this.client, team, id).get("trace_id").stringValue();
		assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(receiver.spansOf(traceId)).extracting(ReceivedSpan::name)
				.contains("http post /jobs"));
		assertThat(only(receiver.spansOf(traceId), "http post /jobs").parentSpanId()).isEmpty();
		String metrics = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(metrics.lines().filter((line) -> line.startsWith("http_server_requests_seconds_bucket")))
			.anySatisfy((line) -> assertThat(line).contains("# {").contains("trace_id=\""));
	}

	@Test
	void ecsLinesCarryTheTraceAndSpanIds() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		StructuredLogEncoder encoder = new StructuredLogEncoder();
		encoder.setContext(context);
		encoder.setFormat("ecs");
		encoder.start();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
		appender.setContext(context);
		appender.setEncoder(encoder);
		appender.setOutputStream(bytes);
		appender.start();
		Logger logger = context.getLogger("io.genjobs.gateway.upstream.EcsTraceProbe");
		logger.setAdditive(false);
		logger.addAppender(appender);
		String traceParent;
		try (TraceContexts.SpanScope span = this.traces.open("probe", null)) {
			traceParent = this.traces.current();
			logger.info("traced");
		}
		finally {
			logger.detachAppender(appender);
			appender.stop();
		}
		JsonNode line = this.json.readTree(bytes.toString(StandardCharsets.UTF_8).trim());
		assertThat(traceParent).isNotNull();
		assertThat(line.toString()).contains(TraceContexts.traceId(traceParent), traceParent.split("-")[2]);
		assertThat(line.get("trace.id").asString("")).as(line.toString()).isEqualTo(TraceContexts.traceId(traceParent));
		assertThat(line.get("span.id").asString("")).as(line.toString()).isEqualTo(traceParent.split("-")[2]);
	}

	private static Path temporaryFolder() {
		try {
			return Files.createTempDirectory("gateway-traced-outputs");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String create(TestTeam team, String prompt, TestWebhookConsumer.Inbox inbox, String traceParent) {
		byte[] body = this.client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.header("traceparent", traceParent)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"input": {"prompt": "%s", "image_urls": ["%s"]}, "webhook_url": "%s"}
					""".formatted(prompt, TestImageServer.png(400, 400), inbox.url()))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(body).get("id").stringValue();
	}

	private static List<String> names(List<ReceivedSpan> spans) {
		return spans.stream().map(ReceivedSpan::name).toList();
	}

	private static ReceivedSpan only(List<ReceivedSpan> spans, String name) {
		List<ReceivedSpan> named = spans.stream().filter((span) -> span.name().equals(name)).toList();
		assertThat(named).as("spans named " + name).hasSize(1);
		return named.get(0);
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		bytes[0] |= 1;
		return bytes;
	}

}
