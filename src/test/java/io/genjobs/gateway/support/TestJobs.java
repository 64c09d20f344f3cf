package io.genjobs.gateway.support;

import java.time.Duration;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.fail;

/** Creates jobs over the public API and waits for them to reach a state. */
public final class TestJobs {

	private static final JsonMapper json = JsonMapper.builder().build();

	private TestJobs() {
	}

	/**
	 * Creates a job with this prompt (tests tell their jobs apart at RunComfy by it) and
	 * returns its id.
	 */
	public static String create(WebTestClient client, TestTeam team, String prompt) {
		byte[] body = client.post()
			.uri("/jobs")
			.header("Authorization", team.bearer())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"input": {"prompt": "%s", "image_urls": ["%s"]}}
					""".formatted(prompt, TestImageServer.png(400, 400)))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return json.readTree(body).get("id").stringValue();
	}

	public static JsonNode get(WebTestClient client, TestTeam team, String id) {
		byte[] body = client.get()
			.uri("/jobs/" + id)
			.header("Authorization", team.bearer())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return json.readTree(body);
	}

	/**
	 * Polls the job until its status is one of {@code statuses}; fails the test after
	 * {@code timeout}.
	 */
	public static JsonNode await(WebTestClient client, TestTeam team, String id, Set<String> statuses,
			Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode job;
		do {
			job = get(client, team, id);
			if (statuses.contains(job.get("status").stringValue())) {
				return job;
			}
			sleep(50);
		}
		while (System.nanoTime() < deadline);
		return fail("Job " + id + " is still " + job.get("status").stringValue() + " after " + timeout + ", not "
				+ statuses + ": " + job);
	}

	public static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
