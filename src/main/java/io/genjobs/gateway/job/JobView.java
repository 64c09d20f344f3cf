package io.genjobs.gateway.job;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.genjobs.gateway.common.DataUriSummaries;
import io.genjobs.gateway.spend.Usd;

/**
 * A job as the API shows it (and as webhook events carry it). JSON members stored as JSON
 * text are written out as they are, without a parse and re-serialise on every read.
 */
public record JobView(UUID id, String model, JobStatus status, @JsonRawValue String input, @JsonRawValue String output,
		Error error, @JsonRawValue String metadata, String webhookUrl, @JsonRawValue String webhookEvents,
		Upstream upstream, Cost cost, int attempts, int sequence, Instant createdAt, Instant updatedAt,
		Instant submittedAt, Instant completedAt) {

	/**
	 * Why a job failed: a stable code and the words of whoever failed it (often
	 * RunComfy).
	 */
	public record Error(String code, String message) {
	}

	/**
	 * The job at RunComfy: its request id once submitted, and its place in RunComfy's
	 * queue.
	 */
	public record Upstream(String requestId, Integer queuePosition) {
	}

	/**
	 * What the job costs (DESIGN, "Spend and budgets"): the estimate made at accept from
	 * the model's price ({@code null} when it has none), and once the job ended the cost
	 * booked for it, from RunComfy ({@code source} {@code runcomfy}) or, without
	 * RunComfy's figure, the estimate ({@code source} {@code estimate}); {@code null}
	 * while the job runs, and for a job never sent to RunComfy.
	 */
	public record Cost(BigDecimal estimatedUsd, BigDecimal actualUsd, String source, String currency) {
	}

	static JobView of(Job job) {
		Error error = (job.errorCode() != null) ? new Error(job.errorCode(), job.errorMessage()) : null;
		// Inputs stored since job_inputs exist are short already; older ones are
		// shortened
		// here.
		return new JobView(job.id(), job.model(), job.status(), DataUriSummaries.summarizeJson(job.input()),
				job.output(), error, job.metadata(), job.webhookUrl(), job.webhookEvents(),
				new Upstream(job.dispatch().upstreamRequestId(), job.dispatch().upstreamQueuePosition()),
				new Cost(Usd.plain(job.cost().estimatedUsd()), Usd.plain(job.cost().actualUsd()), job.cost().source(),
						"USD"),
				job.dispatch().attempts(), job.sequence(), job.createdAt(), job.updatedAt(), job.submittedAt(),
				job.completedAt());
	}

}
