package io.genjobs.gateway.storage;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.job.JobService;
import io.genjobs.gateway.job.JobView;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code GET /jobs/{id}/outputs/{n}}: file {@code n} (from 0, in the order of the
 * output's URLs) of a job, as the gateway keeps it. With the team's key, or without any
 * key by a signed link ({@code ?expires=&signature=}, as the job's {@code output} carries
 * them). The filesystem store answers itself, with {@code Range} (206, 416), {@code ETag}
 * (the file's SHA-256) and {@code If-None-Match} (304); the S3 store redirects (307) to a
 * presigned URL of the bucket, which honours {@code Range} itself, after the same
 * {@code If-None-Match} check.
 */
@RestController
@Tag(name = "jobs")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class OutputController {

	/** How long a presigned store URL of a redirect works: it is followed at once. */
	private static final Duration REDIRECT_TTL = Duration.ofMinutes(5);

	private final JobService jobs;

	private final LinkSigner signer;

	private final OutputStore store;

	private final StoredOutputs stored;

	OutputController(JobService jobs, LinkSigner signer, OutputStore store, StoredOutputs stored) {
		this.jobs = jobs;
		this.signer = signer;
		this.store = store;
		this.stored = stored;
	}

	@Operation(operationId = "getJobOutput", summary = "Download one of a job's output files")
	@ApiResponse(responseCode = "200",
			description = "The file, with ETag (its SHA-256); 206 for a Range; 304 when If-None-Match matches; "
					+ "with the S3 store a 307 redirect to a short-lived presigned URL of the bucket instead")
	@ApiResponse(responseCode = "403", description = "Bad or expired signed link (`output-link-invalid`)")
	@ApiResponse(responseCode = "404",
			description = "No such job for this team, no such file, or deleted after retention (`output-not-found`)")
	@ApiResponse(responseCode = "416", description = "Range not satisfiable")
	@GetMapping("/jobs/{id}/outputs/{n}")
	ResponseEntity<?> output(@PathVariable String id, @PathVariable String n,
			@RequestParam(required = false) String expires, @RequestParam(required = false) String signature,
			ServerWebExchange exchange) {
		UUID jobId = RequestParameters.id(id, OutputNotFoundException::noJob);
		int index = index(jobId, n);
		JobView job;
		if (signature != null || expires != null) {
			if (signature == null || expires == null || !this.signer.verify(jobId, index, expires, signature)) {
				throw new OutputLinkInvalidException();
			}
			job = this.jobs.find(jobId).orElseThrow(() -> OutputNotFoundException.noJob(jobId));
		}
		else {
			TeamPrincipal team = exchange.getAttribute(TeamPrincipal.EXCHANGE_ATTRIBUTE);
			if (team == null) {
				throw new OutputLinkInvalidException();
			}
			job = this.jobs.get(team, jobId);
		}
		List<JobView.Asset> assets = job.assets();
		if (index >= assets.size()) {
			throw OutputNotFoundException.noFile(jobId, index);
		}
		if (!this.stored.isStored(jobId, index)) {
			throw OutputNotFoundException.deleted(jobId, index);
		}
		JobView.Asset asset = assets.get(index);
		String eTag = "\"" + asset.sha256() + "\"";
		if (exchange.checkNotModified(eTag)) {
			return null;
		}
		// The file under a key never changes; a signed link's URL changes with each read.
		CacheControl cache = CacheControl.maxAge(Duration.ofDays(1)).cachePrivate();
		return switch (this.store.serve(StoredOutputs.key(jobId, index), asset.contentType(), REDIRECT_TTL)) {
			case OutputStore.Local local -> ResponseEntity.ok()
				.eTag(eTag)
				.cacheControl(cache)
				.contentType(MediaType.parseMediaType(asset.contentType()))
				.header(HttpHeaders.ACCEPT_RANGES, "bytes")
				.body(local.resource());
			case OutputStore.Redirect redirect -> ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
				.eTag(eTag)
				.cacheControl(CacheControl.noStore())
				.header(HttpHeaders.LOCATION, redirect.url())
				.build();
		};
	}

	private static int index(UUID jobId, String n) {
		if (n.isEmpty() || n.length() > 6 || !n.chars().allMatch(Character::isDigit)) {
			throw OutputNotFoundException.noFile(jobId, "'" + n + "'");
		}
		return Integer.parseInt(n);
	}

}
