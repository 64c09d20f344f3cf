package io.genjobs.gateway.storage;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.job.JobOutputCopies.CopiedFile;
import io.genjobs.gateway.job.OutputUrls;

/**
 * Copies a job's output files into the {@link OutputStore}, one after another in the
 * order of the output's URLs, each streamed from the download into the store through a
 * {@link MeteredStream} (size, SHA-256, size and time limits). Each stored file is
 * recorded ({@link StoredOutputs}) once it is stored, so that retention finds it even if
 * the copy of a later one fails. Holds no database connection while it downloads.
 */
final class OutputCopier {

	private final OutputDownloads downloads;

	private final OutputStore store;

	private final Recorder stored;

	private final StorageSettings settings;

	private final Clock clock;

	OutputCopier(OutputDownloads downloads, OutputStore store, Recorder stored, StorageSettings settings, Clock clock) {
		this.downloads = downloads;
		this.store = store;
		this.stored = stored;
		this.settings = settings;
		this.clock = clock;
	}

	/** Where stored files are recorded ({@link StoredOutputs#record}). */
	@FunctionalInterface
	interface Recorder {

		void record(UUID jobId, int n, UUID teamId, long bytes);

	}

	/** Copies every file of {@code outputJson}; the first failure ends the attempt. */
	List<CopiedFile> copy(UUID jobId, UUID teamId, String outputJson) throws CopyFailure {
		List<String> urls = OutputUrls.in(outputJson);
		List<CopiedFile> files = new ArrayList<>(urls.size());
		for (int n = 0; n < urls.size(); n++) {
			try {
				files.add(copyOne(jobId, teamId, n, urls.get(n)));
			}
			catch (CopyFailure ex) {
				throw ex.isLasting() ? CopyFailure.lasting(describe(n, urls.size()) + ex.getMessage())
						: CopyFailure.transientFailure(describe(n, urls.size()) + ex.getMessage(), ex);
			}
		}
		return files;
	}

	private static String describe(int n, int of) {
		return "output file " + n + " (of " + of + "): ";
	}

	private CopiedFile copyOne(UUID jobId, UUID teamId, int n, String url) throws CopyFailure {
		long maxBytes = this.settings.maxOutputSize().toBytes();
		OutputDownloads.Download download = this.downloads.open(url);
		try (MeteredStream body = new MeteredStream(download.body(), maxBytes,
				this.clock.instant().plus(this.settings.attemptTimeout()), this.clock)) {
			if (download.contentLength() > maxBytes) {
				throw CopyFailure.lasting("is larger than " + maxBytes + " bytes (" + download.contentLength() + ")");
			}
			this.store.put(StoredOutputs.key(jobId, n), body, download.contentType());
			if (download.contentLength() >= 0 && body.count() != download.contentLength()) {
				throw CopyFailure.transientFailure(
						"ended after " + body.count() + " of its " + download.contentLength() + " bytes", null);
			}
			this.stored.record(jobId, n, teamId, body.count());
			return new CopiedFile(download.contentType(), body.count(), body.sha256());
		}
		catch (IOException | RuntimeException ex) {
			MeteredStream.LimitExceeded limit = Causes.find(ex, MeteredStream.LimitExceeded.class);
			if (limit != null) {
				throw limit.isLasting() ? CopyFailure.lasting(limit.getMessage())
						: CopyFailure.transientFailure(limit.getMessage(), ex);
			}
			throw CopyFailure.transientFailure("could not be stored: " + ex.getMessage(), ex);
		}
	}

}
