package io.genjobs.gateway.ops;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/gateway} on the management port: jobs by state, the oldest queued
 * job's age, jobs in flight upstream and the webhook delivery backlog, for all instances
 * together. See {@link JobStatistics} for what each number costs.
 */
@Component
@Endpoint(id = "gateway")
class GatewayEndpoint {

	private final JobStatistics statistics;

	GatewayEndpoint(JobStatistics statistics) {
		this.statistics = statistics;
	}

	@ReadOperation
	GatewayStatus status() {
		return this.statistics.current();
	}

}
