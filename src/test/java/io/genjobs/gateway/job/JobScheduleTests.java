package io.genjobs.gateway.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a passed deadline does to a job in each state
 * ({@link JobSchedule#deadlinePassed}), and which cancels it claims as its own. Plain
 * objects, no database.
 */
class JobScheduleTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant DEADLINE = T0.plusSeconds(60);

	private static final Instant AFTER = DEADLINE.plusSeconds(1);

	private static final String OWNER = "dispatcher-a";

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void shouldCancelAQueuedJobNotYetSentWithDeadlineExceeded() {
		Job job = queued();
		assertThat(job.schedule().deadlinePassed(job, AFTER)).isEqualTo(CancelStep.CANCELLED);
		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(job.errorCode()).isEqualTo("deadline_exceeded");
		assertThat(job.errorMessage()).contains(DEADLINE.toString());
		assertThat(job.completedAt()).isEqualTo(AFTER);
		assertThat(lastReason(job)).isEqualTo("deadline_exceeded");
	}

	@Test
	void shouldLeaveAJobBeingSubmittedToItsHolderAndCancelItOnceTheSubmitResolves() {
		Job job = queued();
		job.claim(OWNER, T0.plusSeconds(300));
		assertThat(job.schedule().deadlinePassed(job, AFTER)).isEqualTo(CancelStep.PENDING);
		assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(job.dispatch().cancelRequestedAt()).isEqualTo(DEADLINE);

		// RunComfy accepted it meanwhile: the holder is told to cancel it there.
		assertThat(job.markSubmitted(OWNER, "req-1", AFTER, AFTER)).isEqualTo(new SubmitResult.CancelRequested());
		job.cancel("cancelled at RunComfy on the client's request", AFTER.plusSeconds(1));
		assertThat(job.errorCode()).isEqualTo("deadline_exceeded");
		assertThat(lastReason(job)).isEqualTo("deadline_exceeded");
	}

	@Test
	void shouldCancelAJobHandedBackAfterItsDeadlineWasRecorded() {
		Job job = queued();
		job.claim(OWNER, T0.plusSeconds(300));
		job.schedule().deadlinePassed(job, AFTER);
		assertThat(job.handBackUnsent(OWNER, AFTER, AFTER)).isTrue();
		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(job.errorCode()).isEqualTo("deadline_exceeded");
	}

	@Test
	void shouldAskRunComfyForASubmittedJob() {
		Job job = submitted();
		assertThat(job.schedule().deadlinePassed(job, AFTER)).isEqualTo(CancelStep.ASK_RUNCOMFY);
		assertThat(job.status()).isEqualTo(JobStatus.SUBMITTED);
		job.cancel("cancelled at RunComfy: its deadline passed", AFTER);
		assertThat(job.errorCode()).isEqualTo("deadline_exceeded");
	}

	@Test
	void shouldNotClaimAClientsCancelAskedForBeforeTheDeadline() {
		Job job = queued();
		job.claim(OWNER, T0.plusSeconds(300));
		assertThat(job.requestCancel(T0.plusSeconds(10))).isEqualTo(CancelStep.PENDING);
		job.schedule().deadlinePassed(job, AFTER);
		job.handBackUnsent(OWNER, AFTER, AFTER);
		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(job.errorCode()).isNull();
		assertThat(lastReason(job)).isEqualTo(Job.NOT_SENT);
	}

	@Test
	void shouldLeaveARunningJobToFinishWithAWarningKeptPastTheOutputCopysOwn() {
		Job job = submitted();
		job.markRunning("in_progress", T0, T0);
		job.eventsPublished();
		assertThat(job.schedule().deadlinePassed(job, AFTER)).isEqualTo(CancelStep.REFUSED);
		assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(job.pendingEvents()).as("no state change").isEmpty();
		assertThat(warningCodes(job)).containsExactly("deadline_exceeded");

		// The output copy gives up with a warning of its own: both are kept.
		job.succeed("{\"video\": \"https://x/v.mp4\"}", null, true, AFTER);
		String notCopied = json.writeValueAsString(List.of(new JobView.Warning("output_not_copied", "gone")));
		assertThat(job.outputsSettled(null, notCopied, AFTER.plusSeconds(1))).isTrue();
		assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(job.errorCode()).isNull();
		assertThat(warningCodes(job)).containsExactly("deadline_exceeded", "output_not_copied");
	}

	@Test
	void shouldDoNothingToAFinishedJob() {
		Job job = submitted();
		job.succeed("{}", null, false, T0.plusSeconds(5));
		job.eventsPublished();
		assertThat(job.schedule().deadlinePassed(job, AFTER)).isEqualTo(CancelStep.REFUSED);
		assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(job.outputs().warnings()).isNull();
		assertThat(job.pendingEvents()).isEmpty();
	}

	@Test
	void shouldKeepThePriorityAndTheDeadline() {
		Job job = Job.accept(UUID.randomUUID(), UUID.randomUUID(), spec(JobPriority.LOW, DEADLINE), T0);
		assertThat(job.schedule().priority()).isEqualTo(JobPriority.LOW);
		assertThat(job.schedule().deadline()).isEqualTo(DEADLINE);
		assertThat(job.schedule().passed(DEADLINE.minusMillis(1))).isFalse();
		assertThat(job.schedule().passed(DEADLINE)).isTrue();
		assertThat(Job.accept(UUID.randomUUID(), UUID.randomUUID(), spec(null, null), T0).schedule().priority())
			.isEqualTo(JobPriority.NORMAL);
	}

	private static List<String> warningCodes(Job job) {
		JsonNode warnings = json.readTree(job.outputs().warnings());
		return warnings.valueStream().map((w) -> w.get("code").asString()).toList();
	}

	private static String lastReason(Job job) {
		return job.pendingEvents()
			.stream()
			.filter(JobTransitioned.class::isInstance)
			.map((event) -> ((JobTransitioned) event).reason())
			.reduce((first, second) -> second)
			.orElseThrow();
	}

	private static Job queued() {
		return Job.accept(UUID.randomUUID(), UUID.randomUUID(), spec(JobPriority.NORMAL, DEADLINE), T0);
	}

	private static Job submitted() {
		Job job = queued();
		job.claim(OWNER, T0.plusSeconds(30));
		job.markSubmitted(OWNER, "req-0", T0, T0);
		return job;
	}

	private static NewJob spec(JobPriority priority, Instant deadline) {
		return new NewJob("model-x", "{\"prompt\": \"p\"}", null, null, null, "[]", null, null, null, null, null,
				priority, deadline);
	}

}
