package io.genjobs.gateway.job;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Terminal-state estimates from PostgreSQL's planner statistics. */
class JobCountsTests {

	@Test
	void estimatesEachTerminalStateFromItsFrequency() {
		Map<String, Long> counts = JobCounts.estimate(1_000_000,
				new String[] { "succeeded", "failed", "cancelled", "queued" },
				new Object[] { 0.9f, 0.05f, 0.04f, 0.01f });
		assertThat(counts).containsEntry("succeeded", 900_000L)
			.containsEntry("failed", 50_000L)
			.containsEntry("cancelled", 40_000L);
	}

	@Test
	void givesStatesMissingFromTheListAnEvenShareOfTheRest() {
		// 4% of rows are in states the list leaves out: cancelled, queued, submitted and
		// running share it.
		Map<String, Long> counts = JobCounts.estimate(1_000_000, new String[] { "succeeded", "failed" },
				new Object[] { 0.9f, 0.06f });
		assertThat(counts.get("cancelled")).isBetween(9_990L, 10_010L);
		assertThat(counts).containsOnlyKeys("succeeded", "failed", "cancelled");
	}

}
