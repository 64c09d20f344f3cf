package io.genjobs.gateway.spend;

/**
 * What the usage routes' documentation shares (on {@link UsageController} and
 * {@link UsageAdminController}).
 */
final class UsageApi {

	static final String FROM = "Start (inclusive): an RFC 3339 date-time (`2026-03-01T00:00:00Z`, "
			+ "any offset: `+01:00` sent as `%2B01:00` or as is) or a UTC date (`2026-03-01`, from its start). "
			+ "Default: the start of the UTC month in which the period ends";

	static final String TO = "End: an RFC 3339 date-time (exclusive) or a UTC date (inclusive: the whole day "
			+ "counts). Default: the end of the current UTC month. At most " + UsagePeriod.MAX_DAYS
			+ " days after `from`";

	static final String REPORT = "The report: `data` rows `{model?, day?, team_id?, jobs, spent_usd}` "
			+ "(only the grouped members), ordered by day, team, model; without `group_by` one row of totals. "
			+ "`Accept: text/csv` answers RFC 4180 CSV with a header row instead";

	static final String BAD_REQUEST = "Unknown `group_by`, unreadable or out-of-range `from`/`to`, `from` not "
			+ "before `to`, a period over " + UsagePeriod.MAX_DAYS + " days (`invalid-parameter`), " + "or more than "
			+ UsageReports.MAX_ROWS + " rows (`usage-report-too-large`)";

	static final String NOT_ACCEPTABLE = "`Accept` takes neither application/json nor text/csv (`not-acceptable`)";

	static final String CSV_EXAMPLE = "model,day,jobs,spent_usd\r\nbytedance/seedream-4-0/text-to-image,2026-03-01,12,0.36\r\n";

	private UsageApi() {
	}

}
