package io.genjobs.gateway.storage;

import java.util.UUID;

import io.genjobs.gateway.job.OutputKeeper;

/** The storage feature as the job feature sees it ({@link OutputKeeper}). */
final class OutputLinks implements OutputKeeper {

	private final StorageSettings settings;

	private final LinkSigner signer;

	private final OutputCopyWorker worker;

	OutputLinks(StorageSettings settings, LinkSigner signer, OutputCopyWorker worker) {
		this.settings = settings;
		this.signer = signer;
		this.worker = worker;
	}

	@Override
	public boolean copiesOutputs() {
		return this.settings.enabled();
	}

	@Override
	public String signedLink(UUID jobId, int n) {
		return this.signer.sign(jobId, n);
	}

	@Override
	public void copiesPending() {
		this.worker.wake();
	}

}
