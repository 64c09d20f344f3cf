package io.genjobs.gateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.JobLogContext;
import io.genjobs.gateway.common.TraceContexts;
import io.genjobs.gateway.common.WorkLoop;
import io.genjobs.gateway.job.FailureCode;
import io.genjobs.gateway.job.JobLifecycle;
import io.genjobs.gateway.job.JobLifecycle.PollTicket;
import io.genjobs.gateway.job.JobTraces;

/**
 * Follows jobs at RunComfy to the end. Each round claims the jobs whose poll is due (only
 * jobs in flight are read, through a partial index: the cost follows what is in flight,
 * not the table's size), asks RunComfy where each stands, and records what it said. A
 * poll is one call: the result endpoint ({@code include_cost=true}), which answers the
 * current status until the request is done and then its output and cost; where it answers
 * an unfinished request with an error, the model's jobs are polled through the status
 * endpoint and the result fetched once done (and so with {@code poll-strategy=fixed}).
 * When the next poll is due is {@link PollPlanner}'s call.
 * <ul>
 * <li>still queued or in progress: polled again when the planner says ({@code running}
 * once in progress);</li>
 * <li>completed: output → {@code succeeded}, an error and no output → {@code failed} with
 * RunComfy's words; the job's calls, detection lag and timings are recorded
 * ({@link PollOutcomes});</li>
 * <li>failed or cancelled upstream: {@code failed} / {@code cancelled};</li>
 * <li>a status nobody documented: counted, and polled again until the job's
 * deadline.</li>
 * </ul>
 * A job not finished {@code job-timeout} after its submit fails as
 * {@code upstream_timeout} (and is cancelled at RunComfy if it is still queued there),
 * but only once its status was read after the deadline: a job RunComfy finished is
 * fetched, not thrown away, however late the gateway looks (after an outage of its own,
 * say). When that read fails it is tried again on the poll schedule, until one succeeds
 * or twice {@code job-timeout} has passed.
 * <p>
 * A poll that failed (no answer, 5xx, the breaker open) is tried again after a back-off
 * from {@code poll-interval} (doubling with each failure in a row, at most
 * {@code max-poll-interval}, jittered).
 */
@Component
class StatusPoller extends WorkLoop {

	private static final Log logger = LogFactory.getLog(StatusPoller.class);

	/**
	 * How long a model whose result endpoint answered an error before completion is
	 * polled through the status endpoint before the result endpoint is tried again.
	 */
	static final Duration RESULT_PROBE_AGAIN = Duration.ofHours(1);

	/**
	 * How long work in hand may take to finish on shutdown before it is interrupted and
	 * handed back: inside {@code spring.lifecycle.timeout-per-shutdown-phase} (20 s),
	 * which every loop spends at the same time.
	 */
	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

	/** Poll back-off after failed polls. */
	private static final double FAILED_BACKOFF_FACTOR = 2;

	private final JobLifecycle jobs;

	private final JobTraces traces;

	private final ResilientRunComfy runcomfy;

	private final UpstreamSettings settings;

	private final JsonMapper json;

	private final Clock clock;

	private final Counter unknownStatuses;

	private final MeterRegistry meters;

	private final Set<UUID> held = ConcurrentHashMap.newKeySet();

	private final PollPlanner planner;

	private final PollOutcomes outcomes;

	/**
	 * Models whose result endpoint answers an error before completion, to
	 * {@link System#nanoTime()} until which their jobs are polled through the status
	 * endpoint (this instance's memory: each instance finds out for itself, at one call).
	 */
	private final Map<String, Long> statusOnly = new ConcurrentHashMap<>();

	StatusPoller(JobLifecycle jobs, ResilientRunComfy runcomfy, UpstreamSettings settings, JsonMapper json, Clock clock,
			MeterRegistry meters, JobTraces traces, PollPlanner planner, PollOutcomes outcomes) {
		super("status-poller", DRAIN_TIMEOUT);
		this.jobs = jobs;
		this.traces = traces;
		this.runcomfy = runcomfy;
		this.settings = settings;
		this.json = json;
		this.clock = clock;
		this.meters = meters;
		this.planner = planner;
		this.outcomes = outcomes;
		this.unknownStatuses = Counter.builder("gateway.upstream.unknown.statuses")
			.description("Status answers from RunComfy that no documentation lists")
			.register(meters);
	}

	@Override
	protected boolean enabled() {
		return this.settings.enabled();
	}

	@Override
	protected Duration round() {
		// While a 429 pause is in force a claimed poll would only wait, and its poll
		// lease
		// could run out under it (another claim of the same poll would follow).
		if (this.runcomfy.unavailable() || this.runcomfy.paused()) {
			return this.settings.dispatchInterval();
		}
		List<PollTicket> due = this.jobs.claimDuePolls(this.settings.batchSize(), this.settings.pollLease());
		for (PollTicket ticket : due) {
			this.held.add(ticket.jobId());
			execute(() -> JobLogContext.with(ticket.jobId(), null,
					() -> this.traces.run("job poll", ticket.jobId(), () -> poll(ticket))));
		}
		return this.settings.dispatchInterval();
	}

	/** A failed round (the database is away, say) is tried again at the next interval. */
	@Override
	protected Duration afterFailure(RuntimeException ex) {
		super.afterFailure(ex);
		return this.settings.dispatchInterval();
	}

	private void poll(PollTicket ticket) {
		UUID jobId = ticket.jobId();
		boolean release = true;
		try {
			if (!accepting()) {
				return;
			}
			Instant now = this.clock.instant();
			if (now.isAfter(ticket.submittedAt().plus(this.settings.jobTimeout().multipliedBy(2)))) {
				// Even the reads after the deadline kept failing: give up on the job.
				timeOut(ticket);
				return;
			}
			Progress progress = read(ticket);
			if (now.isAfter(ticket.submittedAt().plus(this.settings.jobTimeout())) && !progress.state().isTerminal()) {
				timeOut(ticket);
				return;
			}
			record(ticket, progress);
		}
		catch (UpstreamException ex) {
			if (ex.kind() == UpstreamException.Kind.REJECTED && Long.valueOf(404001).equals(ex.errorCode())) {
				this.jobs.fail(jobId,
						FailureCode.UPSTREAM_REQUEST_LOST.because(ticket.requestId(), Dispatcher.describe(ex)));
			}
			else {
				this.meters.counter("gateway.upstream.poll.failures", "kind", ex.kind().name().toLowerCase(Locale.ROOT))
					.increment();
				Duration wait = afterFailedPoll(ticket);
				logger.warn("Polling job " + jobId + " failed after retries (" + ex.kind() + "): " + ex.getMessage()
						+ "; polling again in " + wait.toMillis() + " ms");
			}
		}
		catch (CallNotPermittedException ex) {
			afterFailedPoll(ticket);
		}
		catch (ShuttingDown ex) {
			// Handed back with the other held polls.
			release = false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			release = false;
		}
		catch (RuntimeException ex) {
			logger.error("Polling job " + jobId + " failed unexpectedly", ex);
			afterFailedPoll(ticket);
		}
		finally {
			if (release) {
				this.held.remove(jobId);
			}
		}
	}

	/**
	 * Schedules the next poll after a failed one, backing off from {@code poll-interval}
	 * with each failure in a row.
	 */
	private Duration afterFailedPoll(PollTicket ticket) {
		Duration wait = Backoff.of(this.settings.pollInterval(), FAILED_BACKOFF_FACTOR, ticket.failedPolls(),
				this.settings.maxPollInterval());
		this.jobs.pollFailed(ticket.jobId(), this.clock.instant().plus(wait));
		return wait;
	}

	/** Called while a poll waits for the throttle: on shutdown it is handed back. */
	private void stillWanted() {
		if (!accepting()) {
			throw new ShuttingDown();
		}
	}

	/**
	 * One call where it can be: the result endpoint, which answers the current status
	 * until the request is done and then its output and cost. Where it answers an error
	 * before completion (remembered per model for {@link #RESULT_PROBE_AGAIN}), and with
	 * the {@code fixed} strategy, the status endpoint is read instead, and the result
	 * fetched once it says done.
	 */
	private Progress read(PollTicket ticket) throws InterruptedException {
		if (!this.planner.fixed() && !readsStatus(ticket.model())) {
			try {
				RequestResult result = this.runcomfy.result(ticket.requestId(), this::stillWanted);
				return new Progress(result.status(), result.queuePosition(), result, 1);
			}
			catch (UpstreamException ex) {
				if (!answersOnlyWhenDone(ex)) {
					throw ex;
				}
				this.statusOnly.put(ticket.model(), System.nanoTime() + RESULT_PROBE_AGAIN.toNanos());
				logger.info("RunComfy's result endpoint answered an unfinished request of " + ticket.model()
						+ " with an error (" + ex.getMessage() + "): its jobs are polled through the status endpoint");
				RequestStatus status = this.runcomfy.status(ticket.requestId(), this::stillWanted);
				return new Progress(status.status(), status.queuePosition(), null, 2);
			}
		}
		RequestStatus status = this.runcomfy.status(ticket.requestId(), this::stillWanted);
		return new Progress(status.status(), status.queuePosition(), null, 1);
	}

	private boolean readsStatus(String model) {
		Long until = this.statusOnly.get(model);
		if (until == null) {
			return false;
		}
		if (System.nanoTime() - until < 0) {
			return true;
		}
		this.statusOnly.remove(model, until);
		return false;
	}

	/**
	 * A refusal of a result read that the status endpoint may not share: not a lost
	 * request (404001), nor a refused token.
	 */
	static boolean answersOnlyWhenDone(UpstreamException ex) {
		Integer http = ex.httpStatus();
		return ex.kind() == UpstreamException.Kind.REJECTED && !Long.valueOf(404001).equals(ex.errorCode())
				&& !Integer.valueOf(401).equals(http) && !Integer.valueOf(403).equals(http);
	}

	private void record(PollTicket ticket, Progress progress) throws InterruptedException {
		UUID jobId = ticket.jobId();
		Instant now = this.clock.instant();
		Duration elapsed = Duration.between(ticket.submittedAt(), now);
		switch (progress.state()) {
			case IN_QUEUE -> {
				if (ticket.cancelRequested()
						&& this.runcomfy.cancel(ticket.requestId(), this::stillWanted).cancelled()) {
					this.jobs.cancelled(jobId, "cancelled at RunComfy on the client's request");
					this.outcomes.cancelled(ticket, progress.calls() + 1);
					return;
				}
				Duration wait = this.planner.next(ticket.model(), elapsed, true, ticket.queuedPolls());
				this.jobs.stillQueued(jobId, progress.status(), progress.queuePosition(), now.plus(wait));
			}
			case IN_PROGRESS -> this.jobs.running(jobId, progress.status(),
					now.plus(this.planner.next(ticket.model(), elapsed, false, ticket.queuedPolls())));
			case COMPLETED, FAILED -> finish(ticket, progress);
			case CANCELLED -> {
				this.jobs.cancelled(jobId, "cancelled at RunComfy");
				this.outcomes.cancelled(ticket, progress.calls());
			}
			case UNKNOWN -> {
				this.unknownStatuses.increment();
				logger.warn("RunComfy reported an undocumented status '" + progress.status() + "' for job " + jobId);
				this.jobs.unrecognisedStatus(jobId, progress.status(), now.plus(this.settings.pollInterval()));
			}
		}
	}

	private void finish(PollTicket ticket, Progress progress) throws InterruptedException {
		RequestResult result = progress.result();
		int calls = progress.calls();
		if (result == null) {
			try (TraceContexts.SpanScope span = this.traces.openChild("job result")) {
				result = this.runcomfy.result(ticket.requestId(), this::stillWanted);
			}
			calls++;
		}
		if (result.succeeded()) {
			this.jobs.succeed(ticket.jobId(), this.json.writeValueAsString(result.output()), result.costUsd());
		}
		else {
			String message = result.errorMessage();
			this.jobs.fail(ticket.jobId(), FailureCode.UPSTREAM_FAILED.because((message != null) ? message
					: "RunComfy reported the job " + progress.status() + " without output."));
		}
		this.outcomes.finished(ticket, result, calls, this.clock.instant());
	}

	/**
	 * What one poll learned: RunComfy's status, and the result when the result endpoint
	 * answered (its output and cost once done); {@code calls} made for it.
	 */
	private record Progress(String status, @Nullable Integer queuePosition, @Nullable RequestResult result, int calls) {

		UpstreamState state() {
			return UpstreamState.of(this.status);
		}

	}

	/**
	 * Fails a job past its deadline, and asks RunComfy to drop it (best effort: a job
	 * RunComfy is already rendering cannot be cancelled anyway).
	 */
	private void timeOut(PollTicket ticket) throws InterruptedException {
		this.jobs.fail(ticket.jobId(), FailureCode.UPSTREAM_TIMEOUT.because(this.settings.jobTimeout()));
		try {
			this.runcomfy.cancel(ticket.requestId(), this::stillWanted);
		}
		catch (UpstreamException | CallNotPermittedException | ShuttingDown ex) {
			logger.debug("Could not cancel timed-out job " + ticket.jobId() + " at RunComfy: " + ex.getMessage());
		}
	}

	@Override
	protected void releaseHeld() {
		this.jobs.release("", Set.of(), Set.copyOf(this.held));
		this.held.clear();
	}

	/** Thrown while a poll waits for the throttle when shutdown began. */
	private static final class ShuttingDown extends RuntimeException {

		ShuttingDown() {
			super(null, null, false, false);
		}

	}

}
