package io.genjobs.gateway.spend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CSV text fields: quoted where RFC 4180 needs it, and never a formula a spreadsheet
 * would run.
 */
class UsageCsvTests {

	@Test
	void shouldLeavePlainModelIdsAsTheyAre() {
		assertThat(UsageCsv.text("bytedance/seedream-4-0/text-to-image"))
			.isEqualTo("bytedance/seedream-4-0/text-to-image");
		assertThat(UsageCsv.text("a=1")).isEqualTo("a=1");
	}

	@Test
	void shouldQuoteCommasQuotesAndLineBreaks() {
		assertThat(UsageCsv.text("a,b")).isEqualTo("\"a,b\"");
		assertThat(UsageCsv.text("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
		assertThat(UsageCsv.text("a\r\nb")).isEqualTo("\"a\r\nb\"");
	}

	@Test
	void shouldDisarmWhatASpreadsheetWouldRunAsAFormula() {
		assertThat(UsageCsv.text("=1+1")).isEqualTo("\"'=1+1\"");
		assertThat(UsageCsv.text("+1")).isEqualTo("\"'+1\"");
		assertThat(UsageCsv.text("-1")).isEqualTo("\"'-1\"");
		assertThat(UsageCsv.text("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
		assertThat(UsageCsv.text("\tcmd")).isEqualTo("\"'\tcmd\"");
		assertThat(UsageCsv.text("\rcmd")).isEqualTo("\"'\rcmd\"");
		assertThat(UsageCsv.text("=HYPERLINK(\"x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
	}

}
