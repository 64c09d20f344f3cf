package io.genjobs.gateway.upstream.simulator;

import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code GET /_simulator/stats} answers (snake_case), for the chaos scripts: a
 * test-only view of the simulator, not part of RunComfy's API.
 *
 * @param submits submits received, whatever they were answered
 * @param accepted submits that created a job
 * @param duplicateBodies submits whose body equals an earlier submit's, accepted or not
 * (a resend after a 5xx or 429 counts here)
 * @param duplicateAccepted accepted submits whose body equals an earlier accepted
 * submit's: one job run twice
 * @param jobs jobs created
 * @param peakInFlight the most jobs in flight at once
 * @param statusCalls status calls answered for known requests
 * @param resultCalls result calls answered for known requests
 */
record SimulatorStats(int submits, int accepted, int duplicateBodies, int duplicateAccepted, int jobs, int peakInFlight,
		long statusCalls, long resultCalls) {

	ObjectNode toJson() {
		ObjectNode json = SimulatorAnswer.object();
		json.put("submits", this.submits);
		json.put("accepted", this.accepted);
		json.put("duplicate_bodies", this.duplicateBodies);
		json.put("duplicate_accepted", this.duplicateAccepted);
		json.put("jobs", this.jobs);
		json.put("peak_in_flight", this.peakInFlight);
		json.put("status_calls", this.statusCalls);
		json.put("result_calls", this.resultCalls);
		return json;
	}

}
