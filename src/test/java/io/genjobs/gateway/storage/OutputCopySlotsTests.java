package io.genjobs.gateway.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestTeamsWithKeys;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog of copies larger than {@code max-concurrent-copies} drains as fast as the
 * copies end, not one batch per round: with one slot and rounds an hour apart (renewals a
 * minute apart), every job of a burst is copied and succeeds within seconds. Found after
 * a database restart, when hundreds of copies fell due at once and drained at four per
 * poll interval (docs/benchmarks.md, "PostgreSQL restarted under load").
 */
@IntegrationTest
@Import({ TestTeamsWithKeys.class, StorageTestJobs.class })
@TestPropertySource(properties = { "gateway.storage.enabled=true", "gateway.storage.max-concurrent-copies=1",
		"gateway.storage.poll-interval=1h", "gateway.storage.lease=3m", "gateway.storage.prune-interval=0",
		"spring.datasource.hikari.schema=gateway_storage_slots", "spring.flyway.schemas=gateway_storage_slots" })
class OutputCopySlotsTests {

	private static final TestOutputServer files = TestOutputServer.start();

	private static final Path root = TestOutputServer.temporaryFolder();

	@DynamicPropertySource
	static void storage(DynamicPropertyRegistry registry) {
		files.register(registry, root);
	}

	@AfterAll
	static void stop() {
		files.close();
	}

	@Autowired
	TestTeamsWithKeys teams;

	@Autowired
	StorageTestJobs jobs;

	@Test
	void shouldStartTheNextDueCopyAsSoonAsOneEnds() {
		TestTeam team = this.teams.create();
		// The first copy holds the one slot until the other three are due.
		CountDownLatch othersDue = new CountDownLatch(1);
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String name = UUID.randomUUID().toString();
			byte[] bytes = ("image " + i + " " + name).getBytes(StandardCharsets.UTF_8);
			String url = (i == 0) ? files.putGated(name, bytes, "image/png", othersDue)
					: files.put(name, bytes, "image/png");
			ids.add(this.jobs.completed(team, "{\"image\": \"" + url + "\"}"));
		}
		othersDue.countDown();
		for (UUID id : ids) {
			JsonNode job = this.jobs.awaitTerminal(team, id, Duration.ofSeconds(20));
			assertThat(job.get("status").stringValue()).isEqualTo("succeeded");
			assertThat(job.get("warnings").isEmpty()).isTrue();
			assertThat(job.get("assets")).hasSize(1);
		}
	}

}
