package io.genjobs.gateway.upstream.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.genjobs.gateway.upstream.simulator.SimulatedJob.Fate;
import io.genjobs.gateway.upstream.simulator.SimulatedJob.Phase;

/**
 * The simulator's books: the jobs it created and every submit it received, and what tests
 * and the chaos scripts count over them (jobs in flight, the peak of them, duplicate
 * submits).
 */
final class SimulatorJobs {

	private final Map<String, SimulatedJob> jobs = new ConcurrentHashMap<>();

	private final List<RecordedSubmission> submissions = new CopyOnWriteArrayList<>();

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong statusCalls = new AtomicLong();

	private final AtomicLong resultCalls = new AtomicLong();

	/** Counts a status or result call about a known request. */
	void counted(String operation) {
		switch (operation) {
			case "status" -> this.statusCalls.incrementAndGet();
			case "result" -> this.resultCalls.incrementAndGet();
			default -> {
			}
		}
	}

	long calls(String operation) {
		return switch (operation) {
			case "status" -> this.statusCalls.get();
			case "result" -> this.resultCalls.get();
			default -> 0;
		};
	}

	SimulatedJob create(String id, Instant now, Duration queueDelay, Duration runDelay, Fate fate,
			SimulatedJob.Output output) {
		SimulatedJob job = new SimulatedJob(id, this.sequence.incrementAndGet(), now, queueDelay, runDelay, fate,
				output);
		this.jobs.put(id, job);
		return job;
	}

	@Nullable SimulatedJob find(String id) {
		return this.jobs.get(id);
	}

	void record(RecordedSubmission submission) {
		this.submissions.add(submission);
	}

	/** Forgets all jobs and submits. */
	void clear() {
		this.jobs.clear();
		this.submissions.clear();
		this.statusCalls.set(0);
		this.resultCalls.set(0);
	}

	List<RecordedSubmission> submissions() {
		return List.copyOf(this.submissions);
	}

	int submitCount() {
		return this.submissions.size();
	}

	int jobCount() {
		return this.jobs.size();
	}

	/** The jobs submitted and neither finished nor cancelled now. */
	int inFlight() {
		Instant now = Instant.now();
		int count = 0;
		for (SimulatedJob job : this.jobs.values()) {
			Instant leaves = job.leavesFlightAt();
			if (leaves == null || now.isBefore(leaves)) {
				count++;
			}
		}
		return count;
	}

	/** The most jobs that were in flight at once so far. */
	int peakInFlight() {
		Instant now = Instant.now();
		List<FlightEvent> events = new ArrayList<>();
		for (SimulatedJob job : this.jobs.values()) {
			events.add(new FlightEvent(job.submittedAt(), 1));
			Instant leaves = job.leavesFlightAt();
			if (leaves != null && !leaves.isAfter(now)) {
				events.add(new FlightEvent(leaves, -1));
			}
		}
		// A job leaving at the very instant another arrives never overlaps it.
		events.sort(Comparator.comparing(FlightEvent::at).thenComparingInt(FlightEvent::change));
		int current = 0;
		int peak = 0;
		for (FlightEvent event : events) {
			current += event.change();
			peak = Math.max(peak, current);
		}
		return peak;
	}

	/**
	 * Counts over every submit so far, for runs that check that no job was sent twice.
	 * Each job of such a run carries a prompt of its own, so two submits with one body
	 * are one job sent twice; a body first answered 5xx or 429 (nothing created) and then
	 * accepted is a legitimate resend and counts only in {@code duplicateBodies}.
	 */
	SimulatorStats stats() {
		Set<String> bodies = new HashSet<>();
		Set<String> acceptedBodies = new HashSet<>();
		int accepted = 0;
		int duplicateBodies = 0;
		int duplicateAccepted = 0;
		for (RecordedSubmission submission : this.submissions) {
			if (!bodies.add(submission.body())) {
				duplicateBodies++;
			}
			if (submission.accepted()) {
				accepted++;
				if (!acceptedBodies.add(submission.body())) {
					duplicateAccepted++;
				}
			}
		}
		return new SimulatorStats(this.submissions.size(), accepted, duplicateBodies, duplicateAccepted, jobCount(),
				peakInFlight(), this.statusCalls.get(), this.resultCalls.get());
	}

	/** How many jobs submitted before this one are still queued. */
	int queuePosition(SimulatedJob job, Instant now) {
		int ahead = 0;
		for (SimulatedJob other : this.jobs.values()) {
			if (other.sequence() < job.sequence() && other.phase(now) == Phase.QUEUED) {
				ahead++;
			}
		}
		return ahead;
	}

	private record FlightEvent(Instant at, int change) {
	}

}
