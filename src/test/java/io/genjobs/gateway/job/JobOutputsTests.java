package io.genjobs.gateway.job;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The step between RunComfy finishing a job and {@code succeeded}: its files copied. */
class JobOutputsTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant LATER = T0.plusSeconds(60);

	private static final String OUTPUT = "{\"video\": \"https://cdn.example/v.mp4\"}";

	@Test
	void shouldStayRunningWhileItsFilesAreCopiedThenSucceedWithThem() {
		Job job = submitted();

		assertThat(job.succeed(OUTPUT, null, true, T0)).isTrue();

		assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(job.outputs().copying()).isTrue();
		assertThat(job.output()).isNull();
		assertThat(job.outputs().upstreamOutput()).isEqualTo(OUTPUT);
		// RunComfy is done with it: polls change nothing, a second result is no result.
		assertThat(job.markRunning("in_progress", T0, T0)).isFalse();
		assertThat(job.pollFailed(T0)).isFalse();
		assertThat(job.succeed(OUTPUT, null, false, T0)).isFalse();

		assertThat(job.retryOutputCopy(LATER)).isTrue();
		assertThat(job.outputs().attempts()).isEqualTo(1);

		String assets = "[{\"content_type\": \"video/mp4\", \"bytes\": 3, \"sha256\": \"ab\"}]";
		assertThat(job.outputsSettled(assets, null, LATER)).isTrue();
		assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(job.outputs().copying()).isFalse();
		assertThat(job.output()).isEqualTo(OUTPUT);
		assertThat(job.completedAt()).isEqualTo(LATER);
		JobView view = JobView.of(job, new Links());
		assertThat(view.output()).isEqualTo("{\"video\":\"https://gw.example/" + job.id() + "/0\"}");
		assertThat(view.upstream().output()).isEqualTo(OUTPUT);
		assertThat(view.assets())
			.containsExactly(new JobView.Asset("/jobs/" + job.id() + "/outputs/0", "video/mp4", 3, "ab"));
		assertThat(view.warnings()).isEmpty();

		assertThat(job.outputsSettled(assets, null, LATER)).isFalse();
		assertThat(job.retryOutputCopy(LATER)).isFalse();
	}

	@Test
	void shouldSucceedWithRunComfysOutputAndAWarningWhenTheFilesAreNotKept() {
		Job job = submitted();
		job.succeed(OUTPUT, null, true, T0);

		job.outputsSettled(null, "[{\"code\": \"outputs_not_copied\", \"message\": \"gone\"}]", LATER);

		JobView view = JobView.of(job, new Links());
		assertThat(view.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(view.output()).isEqualTo(OUTPUT);
		assertThat(view.assets()).isEmpty();
		assertThat(view.warnings()).containsExactly(new JobView.Warning("outputs_not_copied", "gone"));
	}

	private static Job submitted() {
		Job job = Job.accept(UUID.randomUUID(), UUID.randomUUID(), new NewJob("model-x", "{\"prompt\": \"p\"}", null,
				null, null, "[]", null, null, null, null, null, JobPriority.NORMAL, null), T0);
		job.claim("dispatcher", T0.plusSeconds(30));
		job.markSubmitted("dispatcher", "req-0", T0, T0);
		return job;
	}

	private static final class Links implements OutputKeeper {

		@Override
		public boolean copiesOutputs() {
			return true;
		}

		@Override
		public String signedLink(UUID jobId, int n) {
			return "https://gw.example/" + jobId + "/" + n;
		}

		@Override
		public void copiesPending() {
		}

	}

}
