package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.genjobs.gateway.job.JobService.TransitionView;
import io.genjobs.gateway.job.JobSnapshot.JobEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stream client's buffer and ordering ({@link JobStreams.Client}) and the
 * {@code Prefer} parsing ({@link PreferWait}), without a server.
 */
class JobStreamClientTests {

	private static final UUID JOB = UUID.randomUUID();

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void shouldDropAClientThatDoesNotReadOnceItsBufferIsFull() {
		JobStreams.Client client = new JobStreams.Client(2);
		client.changed(snapshot(1, JobStatus.QUEUED));
		client.changed(snapshot(2, JobStatus.SUBMITTED));
		client.changed(snapshot(3, JobStatus.RUNNING));
		// The third snapshot found the buffer full: the client is dropped at once.
		StepVerifier.create(client.events(0))
			.expectError(JobStreams.SlowClientException.class)
			.verify(Duration.ofSeconds(5));
		// One that keeps up is not.
		JobStreams.Client reading = new JobStreams.Client(2);
		reading.changed(snapshot(1, JobStatus.QUEUED));
		reading.changed(snapshot(2, JobStatus.SUBMITTED));
		StepVerifier.create(reading.events(0))
			.expectNextCount(2)
			.then(() -> reading.changed(snapshot(4, JobStatus.SUCCEEDED)))
			.expectNextCount(2)
			.verifyComplete();
	}

	@Test
	void shouldNeverRepeatOrGoBackwardsAndEndAfterTheTerminalEvent() {
		JobStreams.Client client = new JobStreams.Client(16);
		client.changed(snapshot(2, JobStatus.SUBMITTED));
		// An older read arriving late, and the same state twice.
		client.changed(snapshot(1, JobStatus.QUEUED));
		client.changed(snapshot(2, JobStatus.SUBMITTED));
		client.changed(snapshot(4, JobStatus.SUCCEEDED));
		List<JobEvent> events = client.events(0).collectList().block(Duration.ofSeconds(5));
		assertThat(events).extracting(JobEvent::sequence).containsExactly(1, 2, 3, 4);
		assertThat(events).extracting(JobEvent::status)
			.containsExactly(JobStatus.QUEUED, JobStatus.SUBMITTED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
		assertThat(events.get(0).job().upstream().requestId()).isNull();
		assertThat(events.get(2).job().upstream().requestId()).isEqualTo("req");
		assertThat(events.get(2).job().output()).isNull();
		assertThat(events.get(3).job().output()).isEqualTo("{}");
	}

	@Test
	void shouldReadTheWaitPreference() {
		assertThat(PreferWait.of(List.of("wait=10"))).contains(Duration.ofSeconds(10));
		assertThat(PreferWait.of(List.of("respond-async, WAIT = 5"))).contains(Duration.ofSeconds(5));
		assertThat(PreferWait.of(List.of("wait=\"7\"; foo=bar"))).contains(Duration.ofSeconds(7));
		assertThat(PreferWait.of(List.of("wait=3600"))).contains(PreferWait.MAX);
		assertThat(PreferWait.of(List.of("wait=2", "wait=9"))).contains(Duration.ofSeconds(2));
		assertThat(PreferWait.of(List.of("wait=-1"))).isEmpty();
		assertThat(PreferWait.of(List.of("wait=0"))).isEmpty();
		assertThat(PreferWait.of(List.of("wait"))).isEmpty();
		assertThat(PreferWait.of(List.of("wait=99999999999999999999"))).isEmpty();
		assertThat(PreferWait.of(List.of("respond-async"))).isEmpty();
		assertThat(PreferWait.of(null)).isEqualTo(Optional.empty());
	}

	/** The job at {@code sequence}, having gone queued → submitted → running → status. */
	private static JobSnapshot snapshot(int sequence, JobStatus status) {
		JobStatus[] path = { JobStatus.QUEUED, JobStatus.SUBMITTED, JobStatus.RUNNING, status };
		List<TransitionView> history = new ArrayList<>();
		for (int i = 1; i <= sequence; i++) {
			history.add(new TransitionView(i, (i == 1) ? null : path[i - 2], path[i - 1], null, T0.plusSeconds(i)));
		}
		boolean done = status.isTerminal();
		JobView job = new JobView(JOB, "m", status, "{}", done ? "{}" : null, null, null, null, null,
				new JobView.Upstream((sequence >= 2) ? "req" : null, null, null),
				new JobView.Cost(null, null, null, "USD"), List.of(), List.of(), JobPriority.NORMAL, null, 1, sequence,
				T0, T0.plusSeconds(sequence), (sequence >= 2) ? T0.plusSeconds(2) : null,
				done ? T0.plusSeconds(sequence) : null, null);
		return new JobSnapshot(job, history);
	}

}
