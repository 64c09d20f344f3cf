package io.genjobs.gateway.job;

import io.genjobs.gateway.common.NotFoundException;

/** No job with this id, or one of another team's (answered the same). */
public class JobNotFoundException extends NotFoundException {

	private JobNotFoundException(String detail) {
		super("job-not-found", "Job not found", detail);
	}

	public static JobNotFoundException forId(Object id) {
		return new JobNotFoundException("No job " + id + ".");
	}

}
