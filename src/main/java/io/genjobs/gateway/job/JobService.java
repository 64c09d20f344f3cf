package io.genjobs.gateway.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Ticker;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.Ids;
import io.genjobs.gateway.common.TraceContexts;
import io.genjobs.gateway.common.web.KeysetPage;
import io.genjobs.gateway.common.web.PageCursor;
import io.genjobs.gateway.spend.SpendLedger;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * Accepts, stores and reads jobs. Validation (which may fetch images) runs before
 * anything is written; a job and its first history row are then stored by one statement,
 * inside a short transaction with the exact queued-cap check only when the team is near
 * its cap.
 */
@Service
public class JobService {

	/** About the most bytes of jobs one page of {@code GET /jobs} carries. */
	static final long MAX_PAGE_BYTES = 1024 * 1024;

	/**
	 * The queued-cap check reads the team's queued count from the database about every
	 * {@code QUEUE_ESTIMATE_REFRESH} per instance, in the background
	 * ({@link QueuedEstimates}), and adds what this instance accepted since. While that
	 * estimate is more than {@code QUEUE_CHECK_MARGIN} below {@code max_queued_jobs},
	 * requests go straight to the insert and do not wait on each other. Nearer the cap,
	 * requests take the team's advisory lock and count exactly, one at a time. The
	 * estimate lags only behind inserts by other instances within one refresh and its
	 * count (dispatches make it too high, which is safe), so the cap holds exactly unless
	 * other instances accept more than the margin for one team within that time.
	 */
	private static final int QUEUE_CHECK_MARGIN = 200;

	private static final Duration QUEUE_ESTIMATE_REFRESH = Duration.ofMillis(250);

	/** A team with no request for this long has its count read again before the next. */
	private static final Duration QUEUE_ESTIMATE_EXPIRY = Duration.ofSeconds(5);

	private final Jobs jobs;

	private final JobListing listing;

	private final JobTransitions transitions;

	private final JobRequests requests;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final JobLifecycle lifecycle;

	private final JobChanges changes;

	private final UpstreamCancellation upstream;

	private final JobInserts inserts;

	private final ApplicationEventPublisher events;

	private final SpendLedger spend;

	private final ObjectProvider<OutputKeeper> outputKeeper;

	private final TraceContexts traces;

	private final QueuedEstimates queuedEstimates;

	JobService(Jobs jobs, JobListing listing, JobTransitions transitions, JobRequests requests,
			TransactionTemplate transaction, Clock clock, JobLifecycle lifecycle, JobChanges changes,
			UpstreamCancellation upstream, JobInserts inserts, ApplicationEventPublisher events, SpendLedger spend,
			ObjectProvider<OutputKeeper> outputKeeper, TraceContexts traces) {
		this.outputKeeper = outputKeeper;
		this.traces = traces;
		this.jobs = jobs;
		this.listing = listing;
		this.transitions = transitions;
		this.requests = requests;
		this.transaction = transaction;
		this.clock = clock;
		this.lifecycle = lifecycle;
		this.changes = changes;
		this.upstream = upstream;
		this.inserts = inserts;
		this.events = events;
		this.spend = spend;
		this.queuedEstimates = new QueuedEstimates(jobs::countQueuedUpTo, QUEUE_ESTIMATE_REFRESH, QUEUE_ESTIMATE_EXPIRY,
				(count) -> Thread.ofVirtual().name("queued-count").start(count), Ticker.systemTicker());
	}

	/**
	 * What {@code POST /jobs} did: stored a new job, or found the one an Idempotency-Key
	 * made before.
	 */
	public record Accepted(JobView job, boolean created) {
	}

	/**
	 * Validates and stores a job. With an {@code Idempotency-Key}, a request the team
	 * already made with the same key and body returns the original job; with another body
	 * it is refused. Concurrent retries with one key race on a unique index: one inserts,
	 * the rest read its job. {@code cancelAfter} is the {@code Cancel-After} header (not
	 * part of what an Idempotency-Key compares).
	 */
	public Accepted accept(TeamPrincipal team, JsonNode body, String idempotencyKey, String cancelAfter) {
		String hash = (idempotencyKey != null) ? this.requests.hash(body) : null;
		if (idempotencyKey != null) {
			Optional<Job> earlier = this.jobs.findByTeamIdAndIdempotencyKey(team.id(), idempotencyKey);
			if (earlier.isPresent()) {
				return replay(earlier.get(), hash);
			}
		}
		NewJob spec = this.requests.read(team, body, idempotencyKey, hash, cancelAfter);
		try {
			Job job = insert(team, spec);
			return new Accepted(JobView.of(job, keeper()), true);
		}
		catch (DataIntegrityViolationException ex) {
			if (idempotencyKey == null) {
				throw ex;
			}
			Job winner = this.jobs.findByTeamIdAndIdempotencyKey(team.id(), idempotencyKey).orElseThrow(() -> ex);
			return replay(winner, hash);
		}
	}

	private Job insert(TeamPrincipal team, NewJob spec) {
		int limit = team.maxQueuedJobs();
		QueuedEstimates.Estimate queued = this.queuedEstimates.of(team.id(), limit);
		Job job;
		boolean nearCap = queued.current() + QUEUE_CHECK_MARGIN >= limit;
		// From the cached principal (a budget change empties every instance's key cache
		// within milliseconds of its commit): no read of the team on every POST. The lock
		// holder reads the budget itself, so a budget removed meanwhile costs one lock.
		boolean budgeted = team.budgeted();
		if (nearCap || budgeted) {
			// Near the cap: count exactly under the team's lock; with a budget: check and
			// reserve the estimate under the team's budget lock; and insert before the
			// transaction (and the locks) end.
			job = this.transaction.execute((status) -> {
				if (nearCap) {
					this.jobs.lockTeamQueue(team.id());
					if (this.jobs.countQueuedUpTo(team.id(), limit) >= limit) {
						throw new QueueFullException(limit);
					}
				}
				UUID id = Ids.next();
				if (budgeted) {
					this.spend.reserve(team.id(), id, spec.estimatedCostUsd());
				}
				return store(id, team, spec);
			});
		}
		else {
			// Far from it: the single statement commits on its own; there is nothing to
			// wrap in a transaction.
			job = store(Ids.next(), team, spec);
		}
		queued.add();
		return job;
	}

	/**
	 * Writes a new job and its creation in one statement, at once, so that a lost
	 * Idempotency-Key race surfaces as this call's exception; then publishes the creation
	 * as a save through the repository would have (listeners that wait for a commit run
	 * after the surrounding transaction, or at once when there is none).
	 */
	private Job store(UUID id, TeamPrincipal team, NewJob spec) {
		Job job = Job.accept(id, team.id(), spec, now());
		// The accept request's span (a client's traceparent honoured) parents the job's
		// later steps, on any instance.
		job.dispatch().traceParent(this.traces.current());
		JobTransitioned created = (JobTransitioned) job.pendingEvents().iterator().next();
		this.inserts.insertAccepted(job, created, spec);
		job.pendingEvents().forEach(this.events::publishEvent);
		job.eventsPublished();
		return job;
	}

	private Accepted replay(Job earlier, String hash) {
		if (!earlier.requestHash().equals(hash)) {
			throw new IdempotencyConflictException(earlier.id());
		}
		return new Accepted(JobView.of(earlier, keeper()), false);
	}

	/** One of the team's jobs. */
	public JobView get(TeamPrincipal team, UUID id) {
		return JobView.of(find(team, id), keeper());
	}

	/**
	 * Any job by id, whatever its team: for other features acting on the gateway's behalf
	 * (webhook payloads), never for answering a client. Inside a transaction it sees that
	 * transaction's changes.
	 */
	public Optional<JobView> find(UUID id) {
		return this.jobs.findById(id).map((job) -> JobView.of(job, keeper()));
	}

	/**
	 * A page of the team's jobs, newest first: at most {@code limit} jobs and about
	 * {@value #MAX_PAGE_BYTES} bytes of them.
	 */
	public JobPage list(TeamPrincipal team, JobStatus status, String model, String cursor, int limit) {
		PageCursor after = (cursor != null) ? PageCursor.decode(cursor) : null;
		List<Job> found = this.listing.page(team.id(), status, model, after, limit + 1);
		KeysetPage<JobView> page = KeysetPage
			.of(found, limit, (job) -> new PageCursor(job.createdAt(), job.id()), JobService::estimatedViewBytes,
					MAX_PAGE_BYTES)
			.map((job) -> JobView.of(job, keeper()));
		return new JobPage(page.data(), page.nextCursor());
	}

	/** A job's state changes, oldest first. */
	public List<TransitionView> history(TeamPrincipal team, UUID id) {
		return historyOf(find(team, id).id());
	}

	/** One of the team's jobs with its history, read together. */
	JobSnapshot snapshot(TeamPrincipal team, UUID id) {
		return this.transaction.execute((status) -> snapshotOf(find(team, id)));
	}

	/** Any job with its history, whatever its team; empty once it is gone. */
	Optional<JobSnapshot> snapshot(UUID id) {
		return this.transaction.execute((status) -> this.jobs.findById(id).map(this::snapshotOf));
	}

	private JobSnapshot snapshotOf(Job job) {
		return new JobSnapshot(JobView.of(job, keeper()), historyOf(job.id()));
	}

	private List<TransitionView> historyOf(UUID jobId) {
		return this.transitions.findByJobIdOrderBySequence(jobId)
			.stream()
			.map((t) -> new TransitionView(t.sequence(), t.from(), t.to(), t.reason(), t.occurredAt()))
			.toList();
	}

	/**
	 * What {@code POST /jobs/{id}/cancel} did: cancelled it (or found it cancelled), or
	 * asked for it.
	 */
	public record Cancellation(JobView job, boolean pending) {
	}

	/**
	 * Cancels a job: one not yet sent is cancelled here and never sent; one waiting in
	 * RunComfy's queue is cancelled there; a running or finished one cannot be. A job
	 * whose submit is under way right now (here or on another instance) has the cancel
	 * recorded, answered at once as {@code pending}: the submit's holder carries it out
	 * as soon as the submit resolves.
	 */
	public Cancellation cancel(TeamPrincipal team, UUID id) {
		UUID jobId = find(team, id).id();
		CancelDone done = this.changes.apply(jobId,
				(job) -> new CancelDone(job.requestCancel(now()), JobView.of(job, keeper())));
		return switch (done.step()) {
			case CANCELLED -> new Cancellation(done.job(), false);
			case PENDING -> new Cancellation(done.job(), true);
			case ASK_RUNCOMFY -> cancelUpstream(done.job());
			case REFUSED -> throw new NotCancellableException(done.job(),
					(done.job().status() == JobStatus.RUNNING)
							? "RunComfy is already rendering the job; only queued jobs can be cancelled."
							: "The job already " + done.job().status().wireName() + ".");
		};
	}

	/** What the job made of a cancel, and the job as it then was. */
	private record CancelDone(CancelStep step, JobView job) {
	}

	private Cancellation cancelUpstream(JobView job) {
		boolean cancelled;
		try {
			cancelled = this.upstream.cancel(job.upstream().requestId());
		}
		catch (RuntimeException ex) {
			throw new UpstreamUnavailableException("RunComfy could not be asked to cancel the job: " + ex.getMessage());
		}
		if (!cancelled) {
			throw new NotCancellableException(job,
					"RunComfy answered not_cancellable: it has already started the job.");
		}
		this.lifecycle.cancelled(job.id(), "cancelled at RunComfy on the client's request");
		return new Cancellation(find(job.id()).orElseThrow(), false);
	}

	/** One state change, as {@code GET /jobs/{id}/history} shows it. */
	public record TransitionView(int sequence, JobStatus from, JobStatus to, String reason, Instant at) {
	}

	private Job find(TeamPrincipal team, UUID id) {
		return this.jobs.findByIdAndTeamId(id, team.id()).orElseThrow(() -> JobNotFoundException.forId(id));
	}

	private Instant now() {
		return this.clock.instant();
	}

	private OutputKeeper keeper() {
		return this.outputKeeper.getIfAvailable();
	}

	/** About how many bytes a job's view takes as JSON: its JSON members and the rest. */
	private static long estimatedViewBytes(Job job) {
		return 600L + length(job.input()) + 2L * length(job.output()) + length(job.metadata())
				+ length(job.errorMessage()) + length(job.webhookUrl()) + length(job.webhookEvents())
				+ 2L * length(job.outputs().assets()) + length(job.outputs().warnings());
	}

	private static int length(String value) {
		return (value != null) ? value.length() : 0;
	}

}
