package io.genjobs.gateway.job;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.job.JobSnapshot.JobEvent;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code GET /jobs/{id}/events}: a job's state changes as Server-Sent Events. The stream
 * starts watching ({@link JobEventHub}) before it reads the job, so no change falls in
 * between; it then sends every change after the client's {@code Last-Event-ID} (from the
 * job's history), goes on with each change as it is notified, and ends after the terminal
 * one. Events never repeat or go backwards: each client keeps the highest sequence it was
 * sent. A client that does not read is held {@code stream-buffer} snapshots behind at
 * most, then dropped.
 */
@Component
class JobStreams {

	private final JobService jobs;

	private final JobEventHub hub;

	private final JobWatchLimits limits;

	private final JobStreamSettings settings;

	JobStreams(JobService jobs, JobEventHub hub, JobWatchLimits limits, JobStreamSettings settings) {
		this.jobs = jobs;
		this.hub = hub;
		this.limits = limits;
		this.settings = settings;
	}

	/**
	 * The team's job's events after {@code lastEventId}; fails (before any event) when
	 * there is no such job for the team or too many streams are open.
	 */
	Mono<Flux<ServerSentEvent<JobView>>> open(TeamPrincipal team, UUID id, int lastEventId) {
		return Mono.fromCallable(() -> {
			JobWatchLimits.Permit permit = this.limits.acquire(team.id());
			Client client = new Client(this.settings.streamBuffer());
			JobEventHub.Watch watch = this.hub.watch(id, client);
			try {
				client.changed(this.jobs.snapshot(team, id));
			}
			catch (RuntimeException ex) {
				watch.close();
				permit.close();
				throw ex;
			}
			return body(client.events(lastEventId)).doFinally((signal) -> {
				watch.close();
				permit.close();
			});
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private Flux<ServerSentEvent<JobView>> body(Flux<JobEvent> events) {
		Sinks.Empty<Void> ended = Sinks.empty();
		Flux<ServerSentEvent<JobView>> changes = events.map(JobStreams::event)
			.doFinally((signal) -> ended.tryEmitEmpty());
		Flux<ServerSentEvent<JobView>> keepAlives = Flux.interval(this.settings.streamKeepAlive())
			.map((tick) -> ServerSentEvent.<JobView>builder().comment("keep-alive").build())
			.takeUntilOther(ended.asMono());
		return Flux.merge(changes, keepAlives).take(this.settings.streamMaxDuration());
	}

	private static ServerSentEvent<JobView> event(JobEvent change) {
		return ServerSentEvent.builder(change.job())
			.id(Integer.toString(change.sequence()))
			.event("job." + change.status().wireName())
			.build();
	}

	/**
	 * One stream's snapshots, in a bounded buffer: a client that is more than that many
	 * snapshots behind is dropped (its stream fails, which closes the connection).
	 */
	static final class Client implements JobEventHub.Watcher {

		private final Sinks.Many<JobSnapshot> snapshots;

		private final Sinks.Empty<JobEvent> dropped = Sinks.empty();

		private volatile boolean overflowed;

		// Snapshots handed over and not yet taken by the stream: counted here, so that
		// the
		// bound is exactly the setting whatever the queue rounds it to.
		private final AtomicInteger pending = new AtomicInteger();

		private final int buffer;

		Client(int buffer) {
			this.buffer = buffer;
			this.snapshots = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(buffer + 1));
		}

		@Override
		public synchronized void changed(JobSnapshot snapshot) {
			if (this.overflowed) {
				return;
			}
			if (this.pending.incrementAndGet() > this.buffer
					|| this.snapshots.tryEmitNext(snapshot) == Sinks.EmitResult.FAIL_OVERFLOW) {
				this.overflowed = true;
				this.dropped.tryEmitError(new SlowClientException());
			}
		}

		@Override
		public synchronized void stopping() {
			this.snapshots.tryEmitComplete();
		}

		/**
		 * The state changes after {@code after}, each once and in order, up to and
		 * including the terminal one.
		 */
		Flux<JobEvent> events(int after) {
			int[] last = { after };
			Flux<JobEvent> changes = this.snapshots.asFlux()
				.doOnNext((snapshot) -> this.pending.decrementAndGet())
				.takeUntil((snapshot) -> snapshot.job().status().isTerminal())
				.concatMapIterable((snapshot) -> {
					if (this.overflowed) {
						// Nothing more of a backlog is sent to a dropped client.
						throw new SlowClientException();
					}
					List<JobEvent> newer = snapshot.eventsAfter(last[0]);
					if (!newer.isEmpty()) {
						last[0] = newer.getLast().sequence();
					}
					return newer;
				}, 1)
				.doFinally((signal) -> this.dropped.tryEmitEmpty());
			return Flux.merge(this.dropped.asMono(), changes);
		}

	}

	/** A stream client fell too far behind. */
	static final class SlowClientException extends RuntimeException {

		SlowClientException() {
			super("The client did not read its events: dropped", null, false, false);
		}

	}

}
