package io.genjobs.gateway.job;

import java.util.List;

/**
 * A page of {@code GET /jobs}: the jobs, and the cursor of the next page ({@code null} on
 * the last).
 */
public record JobPage(List<JobView> data, String nextCursor) {
}
