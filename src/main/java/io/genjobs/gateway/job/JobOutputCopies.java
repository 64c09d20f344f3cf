package io.genjobs.gateway.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The step of a job's life between RunComfy finishing it and {@code succeeded}, for the
 * feature that copies the output files ({@link OutputKeeper}): claiming the copies that
 * are due (any instance, one at a time per job), and recording how each attempt went.
 * Each method is one short transaction; none makes an HTTP call.
 */
@Service
public class JobOutputCopies {

	/** Warning code of a job that succeeded with RunComfy's URLs, uncopied. */
	public static final String NOT_COPIED = "outputs_not_copied";

	private final OutputCopyClaims claims;

	private final JobChanges changes;

	private final TransactionTemplate transaction;

	private final JsonMapper json;

	private final Clock clock;

	JobOutputCopies(OutputCopyClaims claims, JobChanges changes, TransactionTemplate transaction, JsonMapper json,
			Clock clock) {
		this.claims = claims;
		this.changes = changes;
		this.transaction = transaction;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * A job whose files are to be copied: RunComfy's output, since when it waits, and how
	 * many attempts failed.
	 */
	public record CopyTicket(UUID jobId, UUID teamId, String upstreamOutputJson, Instant pendingSince,
			int failedAttempts) {
	}

	/** One copied file: what {@code assets} shows of it (its URL aside). */
	public record CopiedFile(String contentType, long bytes, String sha256) {
	}

	/** Claims up to {@code batch} due copies, held for {@code lease}. */
	public List<CopyTicket> claimDue(int batch, Duration lease) {
		return this.transaction.execute((status) -> this.claims.claimDue(batch, lease)
			.stream()
			.map((c) -> new CopyTicket(c.jobId(), c.teamId(), c.upstreamOutputJson(), c.pendingSince(), c.attempts()))
			.toList());
	}

	/** Keeps holding the copies of {@code jobIds} for {@code lease} from now. */
	public void renew(Collection<UUID> jobIds, Duration lease) {
		this.transaction.executeWithoutResult((status) -> this.claims.renew(List.copyOf(jobIds), lease));
	}

	/** Hands back copies not finished (shutdown): due again at once, on any instance. */
	public void release(Collection<UUID> jobIds) {
		this.transaction.executeWithoutResult((status) -> this.claims.release(List.copyOf(jobIds)));
	}

	/**
	 * Every file is copied, in the order of the output's URLs: the job succeeds with
	 * them. A no-op (answering false) when the job no longer waits for its files.
	 */
	public boolean copied(UUID jobId, List<CopiedFile> files) {
		String assets = this.json.writeValueAsString(files);
		return this.changes.apply(jobId, (job) -> job.outputsSettled(assets, null, this.clock.instant()));
	}

	/**
	 * The files could not be copied (for good, or for too long): the job succeeds with
	 * RunComfy's URLs and a {@value #NOT_COPIED} warning saying why.
	 */
	public boolean notCopied(UUID jobId, String why) {
		String warnings = this.json.writeValueAsString(List.of(new JobView.Warning(NOT_COPIED, why)));
		return this.changes.apply(jobId, (job) -> job.outputsSettled(null, warnings, this.clock.instant()));
	}

	/** An attempt failed: the next is due at {@code next}. */
	public void retryAt(UUID jobId, Instant next) {
		this.changes.apply(jobId, (job) -> job.retryOutputCopy(next));
	}

}
