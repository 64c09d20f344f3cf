package io.genjobs.gateway.team;

import org.jspecify.annotations.Nullable;

/**
 * A change of a team's {@code output_retention_days}: how long its output files are kept;
 * {@code null} days for {@code gateway.storage.retention}.
 */
record OutputRetention(@Nullable Integer days) {

}
