package io.genjobs.gateway.job;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.genjobs.gateway.common.web.ApiException;

/** RunComfy could not be reached to do what the client asked (cancel a job). */
class UpstreamUnavailableException extends ApiException {

	UpstreamUnavailableException(String detail) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unavailable", "RunComfy unavailable", detail);
		header(HttpHeaders.RETRY_AFTER, "5");
	}

}
