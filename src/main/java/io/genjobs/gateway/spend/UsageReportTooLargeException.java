package io.genjobs.gateway.spend;

import io.genjobs.gateway.common.GatewayException;

/**
 * A usage report that would have more rows than one answer holds: the client narrows the
 * period or groups by less.
 */
class UsageReportTooLargeException extends GatewayException {

	UsageReportTooLargeException(int maxRows) {
		super(Kind.BAD_REQUEST, "usage-report-too-large", "Usage report too large", "The report would have more than "
				+ maxRows
				+ " rows; ask for a shorter period (from, to), fewer groupings (group_by) or one team (team_id).");
		extension("max_rows", maxRows);
	}

}
