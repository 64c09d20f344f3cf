package io.genjobs.gateway.spend;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A usage report as RFC 4180 CSV: a header row naming the columns (the grouped members,
 * then {@code jobs} and {@code spent_usd}), CRLF line ends, fields with a comma, quote or
 * line break quoted. Amounts are plain decimals.
 * <p>
 * A text field that begins with {@code = + - @}, a tab or a carriage return is written
 * with a leading {@code '} (and quoted), so that a spreadsheet shows it as text rather
 * than running it as a formula (CSV injection). Catalog model ids begin with a letter or
 * digit, but the ledger keeps whatever model a job named, so the guard holds whatever the
 * ledger holds.
 */
final class UsageCsv {

	private static final String CRLF = "\r\n";

	private UsageCsv() {
	}

	static String of(UsageReport report, Set<UsageGroup> groups) {
		StringBuilder csv = new StringBuilder();
		boolean model = groups.contains(UsageGroup.MODEL);
		boolean day = groups.contains(UsageGroup.DAY);
		boolean team = groups.contains(UsageGroup.TEAM);
		csv.append(header(model, day, team)).append(CRLF);
		for (UsageReport.Row row : report.data()) {
			if (model) {
				csv.append(text(row.model())).append(',');
			}
			if (day) {
				csv.append(row.day()).append(',');
			}
			if (team) {
				csv.append(row.teamId()).append(',');
			}
			csv.append(row.jobs()).append(',').append(row.spentUsd().toPlainString()).append(CRLF);
		}
		return csv.toString();
	}

	private static String header(boolean model, boolean day, boolean team) {
		StringBuilder header = new StringBuilder();
		for (String column : List.of(model ? "model" : "", day ? "day" : "", team ? "team_id" : "")) {
			if (!column.isEmpty()) {
				header.append(column).append(',');
			}
		}
		return header.append("jobs,spent_usd").toString();
	}

	/** A text field, guarded against formulas and quoted where RFC 4180 needs it. */
	static String text(@Nullable String value) {
		if (value == null) {
			return "";
		}
		boolean formula = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0;
		String guarded = formula ? "'" + value : value;
		boolean quote = formula || guarded.indexOf(',') >= 0 || guarded.indexOf('"') >= 0 || guarded.indexOf('\n') >= 0
				|| guarded.indexOf('\r') >= 0;
		return quote ? '"' + guarded.replace("\"", "\"\"") + '"' : guarded;
	}

}
