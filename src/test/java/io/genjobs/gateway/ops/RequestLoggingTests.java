package io.genjobs.gateway.ops;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.support.TestJobs;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.team.TeamPrincipal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request logs: the team and job ids reach every line of a request, including those
 * logged by a controller on its virtual thread; ECS lines carry them as fields; no key or
 * token is ever written.
 */
@IntegrationTest
@Import({ TestTeamsWithKeys.class, RequestLoggingTests.LogProbe.class })
@ExtendWith(OutputCaptureExtension.class)
// Its own context (the probe controller) stays cached for the whole run:
// a small pool keeps the run within PostgreSQL's connection limit.
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=3")
class RequestLoggingTests {

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	JsonMapper json;

	@Value("${gateway.admin-token}")
	String adminToken;

	@Value("${gateway.runcomfy.api-token}")
	String runComfyToken;

	@Test
	void linesLoggedWhileHandlingARequestNameItsTeamAndJob(CapturedOutput output) {
		TestTeam team = this.teams.create();
		String jobId = UUID.randomUUID().toString();

		this.client.get()
			.uri("/jobs/" + jobId + "/log-probe")
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk();

		String probeLine = lineContaining(output, "log probe on a virtual thread: true");
		assertThat(probeLine).contains("team_id=" + team.id(), "job_id=" + jobId);
		String requestLine = lineContaining(output, "GET /jobs/" + jobId + "/log-probe 200");
		assertThat(requestLine).contains("team_id=" + team.id(), "job_id=" + jobId);
	}

	@Test
	void theRequestLineOfACreatedJobNamesTheNewJob(CapturedOutput output) {
		TestTeam team = this.teams.create();
		String jobId = TestJobs.create(this.client, team, "log line");
		assertThat(lineContaining(output, "POST /jobs 202")).contains("team_id=" + team.id(), "job_id=" + jobId);
	}

	@Test
	void ecsLinesCarryTheIdsAsFields() {
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
		Logger logger = context.getLogger("io.genjobs.gateway.ops.EcsProbe");
		logger.setAdditive(false);
		logger.addAppender(appender);
		UUID job = UUID.randomUUID();
		UUID team = UUID.randomUUID();
		try {
			JobLogContext.with(job, team, () -> logger.info("submitted"));
		}
		finally {
			logger.detachAppender(appender);
			appender.stop();
		}
		JsonNode line = this.json.readTree(bytes.toString(StandardCharsets.UTF_8).trim());
		assertThat(line.get("message").stringValue()).isEqualTo("submitted");
		assertThat(line.get("job_id").stringValue()).isEqualTo(job.toString());
		assertThat(line.get("team_id").stringValue()).isEqualTo(team.toString());
		assertThat(line.at("/service/name").stringValue()).isEqualTo("runcomfy-gateway");
		assertThat(line.at("/log/level").stringValue()).isEqualTo("INFO");
	}

	@Test
	void noKeyOrTokenIsEverLogged(CapturedOutput output) {
		String unknownKey = "rcg_" + UUID.randomUUID().toString().replace("-", "") + "Zz9";
		this.client.get()
			.uri("/jobs")
			.header("Authorization", "Bearer " + unknownKey)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.get()
			.uri("/admin/teams")
			.header("Authorization", "Bearer wrong-" + this.adminToken)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		JsonNode team = this.client.post()
			.uri("/admin/teams")
			.header("Authorization", "Bearer " + this.adminToken)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\": \"logging-" + UUID.randomUUID() + "\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		JsonNode issued = this.client.post()
			.uri("/admin/teams/" + team.get("id").stringValue() + "/keys")
			.header("Authorization", "Bearer " + this.adminToken)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String key = issued.get("key").stringValue();
		this.client.get().uri("/jobs").header("Authorization", "Bearer " + key).exchange().expectStatus().isOk();
		this.client.get()
			.uri("/admin/teams")
			.header("Authorization", "Bearer " + key)
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.delete()
			.uri("/admin/keys/" + issued.get("id").stringValue())
			.header("Authorization", "Bearer " + this.adminToken)
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get()
			.uri("/jobs")
			.header("Authorization", "Bearer " + key)
			.exchange()
			.expectStatus()
			.isUnauthorized();

		assertThat(output.getAll()).contains("GET /jobs 401", "POST /admin/teams 201", "GET /admin/teams 403")
			.doesNotContain(unknownKey)
			.doesNotContain(key)
			.doesNotContain(key.substring(8))
			.doesNotContain(this.adminToken)
			.doesNotContain(this.runComfyToken);
	}

	private static String lineContaining(CapturedOutput output, String text) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains(text))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No log line contains '" + text + "'"));
	}

	/**
	 * A route that logs from inside a controller, where the team and job must be known.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class LogProbe {

		@RestController
		static class LogProbeController {

			private static final Log logger = LogFactory.getLog(LogProbeController.class);

			@GetMapping("/jobs/{id}/log-probe")
			String probe(TeamPrincipal team, @PathVariable String id) {
				logger.info("log probe on a virtual thread: " + Thread.currentThread().isVirtual());
				return "ok";
			}

		}

	}

}
