package io.genjobs.gateway.job;

import java.time.Instant;

import jakarta.persistence.Embeddable;
import org.hibernate.annotations.ColumnTransformer;

/**
 * What became of a job's output files (DESIGN, "Outputs the gateway keeps"): RunComfy's
 * output as it answered it, the files the gateway copied of it ({@code assets}, JSON),
 * warnings (JSON), and while the copy is under way when it began, how many attempts it
 * took and when the next is due (or until when the instance copying holds it). Part of
 * the {@link Job}, which decides when the copy starts and ends.
 */
@Embeddable
class JobOutputs {

	@ColumnTransformer(write = "?::jsonb")
	private String upstreamOutput;

	@ColumnTransformer(write = "?::jsonb")
	private String assets;

	@ColumnTransformer(write = "?::jsonb")
	private String warnings;

	private Instant outputsPendingSince;

	private Instant outputsDueAt;

	private int outputCopyAttempts;

	/** Whether the job's files are being copied (the job waits for them). */
	boolean copying() {
		return this.outputsDueAt != null;
	}

	/** RunComfy's output, to be copied from now on. */
	void copyFrom(String outputJson, Instant at) {
		this.upstreamOutput = outputJson;
		this.outputsPendingSince = at;
		this.outputsDueAt = at;
	}

	/** A failed attempt: the next is due at {@code next}. */
	boolean retryAt(Instant next) {
		this.outputCopyAttempts++;
		this.outputsDueAt = next;
		return true;
	}

	/**
	 * The copy ended: with the files kept ({@code assetsJson}) or without them, and a
	 * warning ({@code warningsJson}). Answers RunComfy's output.
	 */
	String settle(String assetsJson, String warningsJson) {
		this.assets = assetsJson;
		warn(warningsJson);
		this.outputsDueAt = null;
		return this.upstreamOutput;
	}

	/**
	 * Adds {@code warningsJson} (a JSON array of {@code {"code", "message"}}) to the
	 * job's warnings, after those it has.
	 */
	void warn(String warningsJson) {
		if (warningsJson == null || warningsJson.isBlank() || warningsJson.equals("[]")) {
			return;
		}
		if (this.warnings == null || this.warnings.equals("[]")) {
			this.warnings = warningsJson;
			return;
		}
		// Both are JSON arrays: join their elements.
		String kept = this.warnings.strip();
		this.warnings = kept.substring(0, kept.length() - 1) + ", " + warningsJson.strip().substring(1);
	}

	String upstreamOutput() {
		return this.upstreamOutput;
	}

	String assets() {
		return this.assets;
	}

	String warnings() {
		return this.warnings;
	}

	Instant pendingSince() {
		return this.outputsPendingSince;
	}

	int attempts() {
		return this.outputCopyAttempts;
	}

}
