package io.genjobs.gateway.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the {@code gateway} actuator endpoint reports: the state of the whole gateway (all
 * instances share one database), as seen at {@code measuredAt}.
 *
 * @param measuredAt when the numbers were read
 * @param jobs job counts and queue health
 * @param webhookDeliveries webhook delivery backlog, or {@code null} while this build has
 * no webhook deliveries table
 */
record GatewayStatus(Instant measuredAt, Jobs jobs, Deliveries webhookDeliveries) {

	/**
	 * @param byState jobs per state, by wire name; {@code null} for a state whose count
	 * is not available
	 * @param terminalCounts how the terminal states were counted: {@code exact} (small
	 * table), {@code estimated} (PostgreSQL's planner statistics) or {@code unavailable}
	 * (a large table not yet analyzed)
	 * @param estimatedStates the states whose count is an estimate
	 * @param oldestQueuedAt creation time of the oldest queued job, or {@code null}
	 * @param oldestQueuedAgeSeconds how long that job has waited, or {@code 0}
	 * @param inFlightUpstream jobs at RunComfy (submitted, running) plus queued jobs
	 * under a submit lease: what counts against the global in-flight cap
	 * @param dispatching queued jobs being submitted right now (or orphaned by a dead
	 * instance)
	 */
	record Jobs(Map<String, Long> byState, String terminalCounts, List<String> estimatedStates, Instant oldestQueuedAt,
			double oldestQueuedAgeSeconds, long inFlightUpstream, long dispatching) {
	}

	/**
	 * @param pending deliveries waiting for their next attempt
	 * @param failed deliveries that used up every attempt (kept for a manual retry)
	 * @param countedUpTo counts stop here, so that a huge backlog costs no more to read
	 */
	record Deliveries(long pending, long failed, long countedUpTo) {
	}

}
