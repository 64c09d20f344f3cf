package io.genjobs.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The job's commands from every state: each either makes its move (recorded as one
 * transition) or, when it no longer applies, changes nothing. Plain objects, no database.
 */
class JobTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant LATER = T0.plusSeconds(60);

	private static final String OWNER = "dispatcher-a";

	private static final NewJob SPEC = new NewJob("model-x", "{\"prompt\": \"p\"}", null, null, null, "[]", null, null,
			null, null, null, JobPriority.NORMAL, null);

	private static final FailureCode.Failure FAILURE = FailureCode.UPSTREAM_FAILED.because("it broke");

	@Test
	void shouldBeQueuedWhenAccepted() {
		Job job = Job.accept(UUID.randomUUID(), UUID.randomUUID(), SPEC, T0);
		assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(job.sequence()).isOne();
		assertThat(job.isNew()).isTrue();
		assertThat(transitions(job)).singleElement()
			.satisfies((t) -> assertThat(t.from()).isNull())
			.satisfies((t) -> assertThat(t.to()).isEqualTo(JobStatus.QUEUED));
	}

	@Test
	void shouldRecordTheSubmitOfItsLeaseHolder() {
		Job job = leased();
		assertThat(job.markSubmitted(OWNER, "req-1", LATER, LATER.plusSeconds(1)))
			.isEqualTo(new SubmitResult.Recorded());
		assertThat(job.status()).isEqualTo(JobStatus.SUBMITTED);
		assertThat(job.dispatch().upstreamRequestId()).isEqualTo("req-1");
		assertThat(job.submittedAt()).isEqualTo(LATER);
		assertThat(moves(job)).containsExactly(JobStatus.SUBMITTED);
	}

	@Test
	void shouldAnswerLeaseLostToASubmitOfAnotherOrNoHolder() {
		assertThat(leased().markSubmitted("dispatcher-b", "req-1", LATER, LATER))
			.isEqualTo(new SubmitResult.LeaseLost(JobStatus.QUEUED));
		assertThat(in(JobStatus.QUEUED).markSubmitted(OWNER, "req-1", LATER, LATER))
			.isEqualTo(new SubmitResult.LeaseLost(JobStatus.QUEUED));
	}

	@Test
	void shouldAnswerRecordedWhenTheSameSubmitIsRecordedAgain() {
		Job job = leased();
		job.markSubmitted(OWNER, "req-1", LATER, LATER.plusSeconds(1));
		job.eventsPublished();
		// The first recording committed, but its holder never heard so and tries again.
		assertThat(job.markSubmitted(OWNER, "req-1", LATER.plusSeconds(2), LATER.plusSeconds(3)))
			.isEqualTo(new SubmitResult.Recorded());
		assertUnchanged(job, JobStatus.SUBMITTED);
		assertThat(job.submittedAt()).isEqualTo(LATER);
	}

	@ParameterizedTest
	@EnumSource(names = { "SUBMITTED", "RUNNING" })
	void shouldCountFailedPollsInARowUntilAPollIsAnswered(JobStatus status) {
		Job job = in(status);
		assertThat(job.pollFailed(LATER)).isTrue();
		assertThat(job.pollFailed(LATER)).isTrue();
		assertThat(job.dispatch().failedPolls()).isEqualTo(2);
		job.stillQueued("in_queue", 1, LATER);
		assertThat(job.dispatch().failedPolls()).isZero();
		job.pollFailed(LATER);
		job.recordPoll("warming_up", LATER);
		assertThat(job.dispatch().failedPolls()).isZero();
		job.pollFailed(LATER);
		job.markRunning("in_progress", LATER, LATER);
		assertThat(job.dispatch().failedPolls()).isZero();
	}

	@ParameterizedTest
	@EnumSource(names = "QUEUED", mode = EnumSource.Mode.EXCLUDE)
	void shouldNotRecordASubmitOfAJobNoLongerQueued(JobStatus status) {
		Job job = in(status);
		assertThat(job.markSubmitted(OWNER, "req-2", LATER, LATER)).isEqualTo(new SubmitResult.LeaseLost(status));
		assertUnchanged(job, status);
	}

	@Test
	void shouldRecordACancelAskedForDuringASubmitAndTellTheHolder() {
		Job job = leased();
		assertThat(job.requestCancel(LATER)).isEqualTo(CancelStep.PENDING);
		assertThat(job.requestCancel(LATER)).isEqualTo(CancelStep.PENDING);
		assertUnchanged(job, JobStatus.QUEUED);
		assertThat(job.markSubmitted(OWNER, "req-1", LATER, LATER)).isEqualTo(new SubmitResult.CancelRequested());
		assertThat(job.status()).isEqualTo(JobStatus.SUBMITTED);
	}

	@Test
	void shouldCancelAJobNobodyIsSendingAtOnce() {
		Job job = in(JobStatus.QUEUED);
		assertThat(job.requestCancel(LATER)).isEqualTo(CancelStep.CANCELLED);
		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(transitions(job)).singleElement().extracting(JobTransitioned::reason).isEqualTo(Job.NOT_SENT);
		assertThat(job.completedAt()).isEqualTo(LATER);
	}

	@Test
	void shouldAnswerACancelInEveryOtherState() {
		assertThat(in(JobStatus.SUBMITTED).requestCancel(LATER)).isEqualTo(CancelStep.ASK_RUNCOMFY);
		assertThat(in(JobStatus.CANCELLED).requestCancel(LATER)).isEqualTo(CancelStep.CANCELLED);
		for (JobStatus status : EnumSet.of(JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED)) {
			Job job = in(status);
			assertThat(job.requestCancel(LATER)).as(status.wireName()).isEqualTo(CancelStep.REFUSED);
			assertUnchanged(job, status);
		}
	}

	@Test
	void shouldGoBackToTheQueueWhenItsHolderRetriesLater() {
		Job job = leased();
		assertThat(job.retryLater(OWNER, LATER, LATER)).isTrue();
		assertUnchanged(job, JobStatus.QUEUED);
		assertThat(job.dispatch().attempts()).isOne();
		// Free again: another instance may claim it.
		job.claim("dispatcher-b", LATER);
		assertThat(job.dispatch().attempts()).isEqualTo(2);
		assertThat(job.handBackUnsent("dispatcher-b", LATER, LATER)).isTrue();
		assertThat(job.dispatch().attempts()).isOne();
	}

	@Test
	void shouldIgnoreAHandBackByAnotherThanItsHolder() {
		Job job = leased();
		assertThat(job.retryLater("dispatcher-b", LATER, LATER)).isFalse();
		assertThat(job.handBackUnsent("dispatcher-b", LATER, LATER)).isFalse();
		assertThat(job.markSubmitted(OWNER, "req-1", LATER, LATER)).isEqualTo(new SubmitResult.Recorded());
	}

	@ParameterizedTest
	@EnumSource(names = "QUEUED", mode = EnumSource.Mode.EXCLUDE)
	void shouldIgnoreAHandBackOfAJobNoLongerQueued(JobStatus status) {
		Job job = in(status);
		assertThat(job.retryLater(OWNER, LATER, LATER)).isFalse();
		assertThat(job.handBackUnsent(OWNER, LATER, LATER)).isFalse();
		assertUnchanged(job, status);
	}

	@Test
	void shouldCancelInsteadOfRequeueingWhenACancelWasAskedFor() {
		Job job = leased();
		job.requestCancel(LATER);
		assertThat(job.handBackUnsent(OWNER, LATER, LATER)).isTrue();
		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(transitions(job)).singleElement().extracting(JobTransitioned::reason).isEqualTo(Job.NOT_SENT);
	}

	@Test
	void shouldSettleAnOrphanedSubmitByResendingOrFailing() {
		Job resent = leased();
		assertThat(resent.settleOrphanedSubmit(true, LATER)).isTrue();
		assertUnchanged(resent, JobStatus.QUEUED);
		resent.claim("dispatcher-b", LATER);

		Job failed = leased();
		assertThat(failed.settleOrphanedSubmit(false, LATER)).isTrue();
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.errorCode()).isEqualTo("submit_outcome_unknown");
		assertThat(failed.errorMessage()).startsWith("The gateway instance submitting this job stopped");

		assertThat(in(JobStatus.QUEUED).settleOrphanedSubmit(false, LATER)).isFalse();
		Job submitted = in(JobStatus.SUBMITTED);
		assertThat(submitted.settleOrphanedSubmit(false, LATER)).isFalse();
		assertUnchanged(submitted, JobStatus.SUBMITTED);
	}

	@ParameterizedTest
	@EnumSource(names = { "SUBMITTED", "RUNNING" })
	void shouldRecordPollsOfAJobAtRunComfy(JobStatus status) {
		Job job = in(status);
		assertThat(job.stillQueued("in_queue", 3, LATER)).isTrue();
		assertThat(job.dispatch().upstreamQueuePosition()).isEqualTo(3);
		assertThat(job.recordPoll("warming_up", LATER)).isTrue();
		assertThat(job.pollFailed(LATER)).isTrue();
		assertUnchanged(job, status);
		assertThat(job.markRunning("in_progress", LATER, LATER)).isTrue();
		assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(job.dispatch().upstreamQueuePosition()).isNull();
		assertThat(moves(job)).isEqualTo((status == JobStatus.SUBMITTED) ? List.of(JobStatus.RUNNING) : List.of());
	}

	@ParameterizedTest
	@EnumSource(names = { "SUBMITTED", "RUNNING" }, mode = EnumSource.Mode.EXCLUDE)
	void shouldIgnorePollsOfAJobNotAtRunComfy(JobStatus status) {
		Job job = in(status);
		assertThat(job.stillQueued("in_queue", 3, LATER)).isFalse();
		assertThat(job.recordPoll("warming_up", LATER)).isFalse();
		assertThat(job.pollFailed(LATER)).isFalse();
		assertThat(job.markRunning("in_progress", LATER, LATER)).isFalse();
		assertUnchanged(job, status);
		assertThat(job.dispatch().upstreamQueuePosition()).isNull();
	}

	@ParameterizedTest
	@EnumSource(names = { "SUBMITTED", "RUNNING" })
	void shouldSucceedAtRunComfy(JobStatus status) {
		Job job = in(status);
		assertThat(job.succeed("{\"video\": \"v\"}", null, false, LATER)).isTrue();
		assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(job.output()).isEqualTo("{\"video\": \"v\"}");
		assertThat(job.completedAt()).isEqualTo(LATER);
		assertThat(moves(job)).containsExactly(JobStatus.SUCCEEDED);
	}

	@Test
	void shouldSettleRunComfysCostWhenItGivesOne() {
		Job job = priced(new java.math.BigDecimal("0.5"));
		assertThat(job.succeed("{\"video\": \"v\"}", new java.math.BigDecimal("0.42"), false, LATER)).isTrue();
		assertThat(job.cost().actualUsd()).isEqualByComparingTo("0.42");
		assertThat(job.cost().source()).isEqualTo("runcomfy");
		assertThat(job.pendingEvents()).filteredOn(JobSettled.class::isInstance)
			.singleElement()
			.isEqualTo(new JobSettled(job.id(), job.teamId(), "model-x", new java.math.BigDecimal("0.42"), "runcomfy",
					LATER));
	}

	@Test
	void shouldSettleTheEstimateMarkedAsSuchWithoutRunComfysCost() {
		Job job = priced(new java.math.BigDecimal("0.5"));
		assertThat(job.fail(FAILURE, LATER)).isTrue();
		assertThat(job.cost().actualUsd()).isEqualByComparingTo("0.5");
		assertThat(job.cost().source()).isEqualTo("estimate");
	}

	@Test
	void shouldSettleNothingForAJobCancelledBeforeItWasSent() {
		Job job = Job.accept(UUID.randomUUID(), UUID.randomUUID(), withEstimate(new java.math.BigDecimal("0.5")), T0);
		job.eventsPublished();
		assertThat(job.cancel(Job.NOT_SENT, LATER)).isTrue();
		assertThat(job.cost().actualUsd()).isNull();
		assertThat(job.cost().source()).isNull();
		assertThat(job.pendingEvents()).filteredOn(JobSettled.class::isInstance)
			.singleElement()
			.satisfies((settled) -> assertThat(((JobSettled) settled).costUsd()).isNull());
	}

	private static NewJob withEstimate(java.math.BigDecimal estimate) {
		return new NewJob(SPEC.model(), SPEC.inputJson(), null, null, null, "[]", null, null, null, null, estimate,
				JobPriority.NORMAL, null);
	}

	private static Job priced(java.math.BigDecimal estimate) {
		Job job = Job.accept(UUID.randomUUID(), UUID.randomUUID(), withEstimate(estimate), T0);
		job.claim(OWNER, T0.plusSeconds(30));
		job.markSubmitted(OWNER, "req-0", T0, T0);
		job.eventsPublished();
		return job;
	}

	@Test
	void shouldRefuseToSucceedAJobNeverSent() {
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> in(JobStatus.QUEUED).succeed("{}", null, false, LATER));
	}

	@ParameterizedTest
	@EnumSource(names = { "QUEUED", "SUBMITTED", "RUNNING" })
	void shouldFailOrCancelAJobNotFinished(JobStatus status) {
		Job failed = in(status);
		assertThat(failed.fail(FAILURE, LATER)).isTrue();
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.errorCode()).isEqualTo("upstream_failed");
		assertThat(failed.errorMessage()).isEqualTo("it broke");
		assertThat(transitions(failed)).singleElement()
			.extracting(JobTransitioned::reason)
			.isEqualTo("upstream_failed");

		Job cancelled = in(status);
		assertThat(cancelled.cancel("cancelled at RunComfy", LATER)).isTrue();
		assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(moves(cancelled)).containsExactly(JobStatus.CANCELLED);
	}

	@ParameterizedTest
	@EnumSource(names = { "SUCCEEDED", "FAILED", "CANCELLED" })
	void shouldNeverChangeAFinishedJob(JobStatus status) {
		Job job = in(status);
		String errorCode = job.errorCode();
		assertThat(job.succeed("{}", null, false, LATER)).isFalse();
		assertThat(job.fail(FailureCode.UPSTREAM_TIMEOUT.because(Duration.ofHours(1)), LATER)).isFalse();
		assertThat(job.cancel("too late", LATER)).isFalse();
		assertThat(job.settleOrphanedSubmit(true, LATER)).isFalse();
		assertUnchanged(job, status);
		assertThat(job.errorCode()).isEqualTo(errorCode);
		assertThat(job.completedAt()).isEqualTo(T0);
	}

	/**
	 * A job in {@code status}, reached by the usual moves at {@code T0}, its events
	 * published.
	 */
	private static Job in(JobStatus status) {
		Job job = Job.accept(UUID.randomUUID(), UUID.randomUUID(), SPEC, T0);
		if (status != JobStatus.QUEUED && status != JobStatus.FAILED && status != JobStatus.CANCELLED) {
			job.claim(OWNER, T0.plusSeconds(30));
			job.markSubmitted(OWNER, "req-0", T0, T0);
		}
		switch (status) {
			case RUNNING -> job.markRunning("in_progress", T0, T0);
			case SUCCEEDED -> job.succeed("{}", null, false, T0);
			case FAILED -> job.fail(FAILURE, T0);
			case CANCELLED -> job.cancel("cancelled by the test", T0);
			default -> {
			}
		}
		assertThat(job.status()).isEqualTo(status);
		job.eventsPublished();
		return job;
	}

	private static Job leased() {
		Job job = in(JobStatus.QUEUED);
		job.claim(OWNER, T0.plusSeconds(30));
		return job;
	}

	private static void assertUnchanged(Job job, JobStatus status) {
		assertThat(job.status()).isEqualTo(status);
		assertThat(transitions(job)).isEmpty();
	}

	private static List<JobTransitioned> transitions(Job job) {
		return job.pendingEvents()
			.stream()
			.filter(JobTransitioned.class::isInstance)
			.map(JobTransitioned.class::cast)
			.toList();
	}

	private static List<JobStatus> moves(Job job) {
		return transitions(job).stream().map(JobTransitioned::to).toList();
	}

}
