package io.genjobs.gateway.spend;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which format a usage report is answered in: each type's quality is that of the most
 * specific {@code Accept} range that includes it, and CSV needs a higher one than JSON.
 */
class UsageFormatTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			''                                          | JSON
			*/*                                         | JSON
			application/json                            | JSON
			text/csv                                    | CSV
			text/*                                      | CSV
			text/csv;charset=utf-8                      | CSV
			'application/json, text/csv'                | JSON
			'text/csv, application/json'                | JSON
			'text/csv, */*'                             | CSV
			'*/*, text/csv'                             | CSV
			'text/csv;q=0.5, */*'                       | JSON
			'text/csv;q=0.9, application/json;q=0.5'    | CSV
			'text/csv;q=0, */*'                         | JSON
			'application/json;q=0, text/csv;q=0.1'      | CSV
			""")
	void shouldAnswerCsvOnlyWhenAcceptPrefersIt(String accept, UsageFormat expected) {
		assertThat(UsageFormat.of(MediaType.parseMediaTypes(accept))).isEqualTo(expected);
	}

}
