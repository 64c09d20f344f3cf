package io.genjobs.gateway.webhook;

import java.util.ArrayList;
import java.util.List;

import io.genjobs.gateway.job.JobEventType;
import io.genjobs.gateway.spend.BudgetThresholdReached;

/**
 * The events a team endpoint may subscribe to: the five job events and
 * {@code budget.threshold_reached}, which only team endpoints get (a job's own
 * {@code webhook_events} name job events only). An endpoint registered without
 * {@code events} subscribes to all of them.
 */
final class EndpointEventTypes {

	/** Every wire name, job events first, in the order the API lists them. */
	static final List<String> ALL;

	static {
		List<String> all = new ArrayList<>();
		for (JobEventType type : JobEventType.values()) {
			all.add(type.wireName());
		}
		all.add(BudgetThresholdReached.EVENT_TYPE);
		ALL = List.copyOf(all);
	}

	private EndpointEventTypes() {
	}

	static boolean isKnown(String wireName) {
		return ALL.contains(wireName);
	}

}
