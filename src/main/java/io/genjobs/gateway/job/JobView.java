package io.genjobs.gateway.job;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.genjobs.gateway.common.DataUriSummaries;
import io.genjobs.gateway.common.TraceContexts;
import io.genjobs.gateway.spend.Usd;

/**
 * A job as the API shows it (and as webhook events carry it). JSON members stored as JSON
 * text are written out as they are, without a parse and re-serialise on every read.
 */
public record JobView(UUID id, String model, JobStatus status, @JsonRawValue String input, @JsonRawValue String output,
		Error error, @JsonRawValue String metadata, String webhookUrl, @JsonRawValue String webhookEvents,
		Upstream upstream, Cost cost, List<Asset> assets, List<Warning> warnings, JobPriority priority,
		Instant deadline, int attempts, int sequence, Instant createdAt, Instant updatedAt, Instant submittedAt,
		Instant completedAt, String traceId) {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Why a job failed: a stable code and the words of whoever failed it (often
	 * RunComfy).
	 */
	@Schema(name = "JobError", description = "Why a job failed, or `deadline_exceeded` for a job its deadline "
			+ "cancelled: a stable code (switch on it) and a message for people")
	public record Error(String code, String message) {
	}

	/**
	 * The job at RunComfy: its request id once submitted, its place in RunComfy's queue,
	 * and once RunComfy finished it RunComfy's own output (with RunComfy's URLs).
	 */
	public record Upstream(String requestId, Integer queuePosition, @JsonRawValue String output) {
	}

	/**
	 * A file of the output the gateway keeps (DESIGN, "Outputs the gateway keeps"), in
	 * the order of the output's URLs: {@code url} is {@code /jobs/{id}/outputs/{n}}, for
	 * the team's keys; {@code sha256} is hex, and the file's {@code ETag}.
	 */
	public record Asset(String url, String contentType, long bytes, String sha256) {
	}

	/** Something the client should know about a job that did not fail. */
	public record Warning(String code, String message) {
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

	/**
	 * The job's view; with the {@code keeper} of its files, its output links to the
	 * gateway's copies, signed now.
	 */
	static JobView of(Job job, @Nullable OutputKeeper keeper) {
		Error error = (job.errorCode() != null) ? new Error(job.errorCode(), job.errorMessage()) : null;
		List<Asset> assets = assets(job);
		String output = job.output();
		if (!assets.isEmpty() && output != null && keeper != null) {
			output = OutputUrls.replaced(output, (n) -> keeper.signedLink(job.id(), n));
		}
		String upstreamOutput = (job.outputs().upstreamOutput() != null) ? job.outputs().upstreamOutput()
				: job.output();
		// Inputs stored since job_inputs exist are short already; older ones are
		// shortened
		// here.
		return new JobView(job.id(), job.model(), job.status(), DataUriSummaries.summarizeJson(job.input()), output,
				error, job.metadata(), job.webhookUrl(), job.webhookEvents(),
				new Upstream(job.dispatch().upstreamRequestId(), job.dispatch().upstreamQueuePosition(),
						upstreamOutput),
				new Cost(Usd.plain(job.cost().estimatedUsd()), Usd.plain(job.cost().actualUsd()), job.cost().source(),
						"USD"),
				assets, warnings(job), job.schedule().priority(), job.schedule().deadline(), job.dispatch().attempts(),
				job.sequence(), job.createdAt(), job.updatedAt(), job.submittedAt(), job.completedAt(),
				TraceContexts.traceId(job.dispatch().traceParent()));
	}

	private static List<Asset> assets(Job job) {
		String stored = job.outputs().assets();
		if (stored == null) {
			return List.of();
		}
		List<Asset> assets = new ArrayList<>();
		for (JsonNode file : json.readTree(stored)) {
			assets.add(new Asset("/jobs/" + job.id() + "/outputs/" + assets.size(), file.get("content_type").asString(),
					file.get("bytes").asLong(), file.get("sha256").asString()));
		}
		return List.copyOf(assets);
	}

	private static List<Warning> warnings(Job job) {
		String stored = job.outputs().warnings();
		if (stored == null) {
			return List.of();
		}
		List<Warning> warnings = new ArrayList<>();
		for (JsonNode warning : json.readTree(stored)) {
			warnings.add(new Warning(warning.get("code").asString(), warning.get("message").asString()));
		}
		return List.copyOf(warnings);
	}

}
