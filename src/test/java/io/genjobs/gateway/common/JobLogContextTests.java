package io.genjobs.gateway.common;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

class JobLogContextTests {

	private final UUID job = UUID.randomUUID();

	private final UUID team = UUID.randomUUID();

	@AfterEach
	void clear() {
		MDC.clear();
	}

	@Test
	void putsTheIdsIntoTheLoggingContextWhileTheWorkRuns() {
		JobLogContext.with(this.job, this.team, () -> {
			assertThat(MDC.get(JobLogContext.JOB_ID)).isEqualTo(this.job.toString());
			assertThat(MDC.get(JobLogContext.TEAM_ID)).isEqualTo(this.team.toString());
		});
		assertThat(MDC.get(JobLogContext.JOB_ID)).isNull();
		assertThat(MDC.get(JobLogContext.TEAM_ID)).isNull();
	}

	@Test
	void restoresOuterValuesSoCallsNest() {
		UUID inner = UUID.randomUUID();
		String seen = JobLogContext.call(this.job, this.team, () -> JobLogContext.call(inner, null,
				() -> MDC.get(JobLogContext.JOB_ID) + " " + MDC.get(JobLogContext.TEAM_ID)));
		assertThat(seen).isEqualTo(inner + " " + this.team);
		try (JobLogContext.Scope scope = JobLogContext.open(this.job, null)) {
			JobLogContext.with(inner, this.team, () -> {
			});
			assertThat(MDC.get(JobLogContext.JOB_ID)).isEqualTo(this.job.toString());
			assertThat(MDC.get(JobLogContext.TEAM_ID)).isNull();
		}
		assertThat(MDC.get(JobLogContext.JOB_ID)).isNull();
	}

	@Test
	void restoresTheContextWhenTheWorkFails() {
		try {
			JobLogContext.with(this.job, this.team, () -> {
				throw new IllegalStateException("boom");
			});
		}
		catch (IllegalStateException expected) {
			// the point is what the MDC holds afterwards
		}
		assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
	}

}
