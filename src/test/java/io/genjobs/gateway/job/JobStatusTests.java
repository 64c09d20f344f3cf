package io.genjobs.gateway.job;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The transition table: every move from every state, allowed or refused. */
class JobStatusTests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			QUEUED    | SUBMITTED FAILED CANCELLED
			SUBMITTED | RUNNING SUCCEEDED FAILED CANCELLED
			RUNNING   | SUCCEEDED FAILED CANCELLED
			SUCCEEDED |
			FAILED    |
			CANCELLED |
			""")
	void shouldAllowExactlyTheMovesOfTheTable(JobStatus from, String allowed) {
		Set<JobStatus> expected = (allowed == null) ? EnumSet.noneOf(JobStatus.class)
				: Arrays.stream(allowed.trim().split("\\s+")).map(JobStatus::valueOf).collect(Collectors.toSet());
		for (JobStatus to : JobStatus.values()) {
			assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(expected.contains(to));
		}
		assertThat(from.isTerminal()).isEqualTo(expected.isEmpty());
	}

	@ParameterizedTest
	@CsvSource({ "QUEUED, queued", "SUBMITTED, submitted", "RUNNING, running", "SUCCEEDED, succeeded", "FAILED, failed",
			"CANCELLED, cancelled" })
	void shouldReadAndWriteTheWireNames(JobStatus status, String wireName) {
		assertThat(status.wireName()).isEqualTo(wireName);
		assertThat(JobStatus.fromWireName(wireName)).isEqualTo(status);
		assertThat(JobStatus.fromWireName(wireName.toUpperCase())).isNull();
	}

}
