package io.genjobs.gateway.storage;

import java.util.UUID;

import io.genjobs.gateway.common.NotFoundException;

/** No such output file of a job the caller may see (or none kept any more). */
final class OutputNotFoundException extends NotFoundException {

	private OutputNotFoundException(String detail) {
		super("output-not-found", "Output not found", detail);
	}

	static OutputNotFoundException noJob(Object id) {
		return new OutputNotFoundException("No job with id " + ((id instanceof UUID) ? id : "'" + id + "'") + ".");
	}

	static OutputNotFoundException noFile(UUID jobId, Object n) {
		return new OutputNotFoundException("Job " + jobId + " has no kept output file " + n + ".");
	}

	static OutputNotFoundException deleted(UUID jobId, int n) {
		return new OutputNotFoundException(
				"Output file " + n + " of job " + jobId + " was deleted after the retention period.");
	}

}
