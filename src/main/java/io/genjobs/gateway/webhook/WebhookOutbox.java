package io.genjobs.gateway.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.genjobs.gateway.common.Ids;
import io.genjobs.gateway.job.JobEventType;
import io.genjobs.gateway.job.JobService;
import io.genjobs.gateway.job.JobTraces;
import io.genjobs.gateway.job.JobTransitioned;
import io.genjobs.gateway.job.JobView;
import io.genjobs.gateway.webhook.EndpointQueries.EndpointTarget;

/**
 * The transactional outbox: a job state change that makes an event writes, in the very
 * transaction that changes the job, one event (its payload serialised once, so every
 * attempt sends and signs the same bytes) and one pending delivery per target: the job's
 * own {@code webhook_url} when its {@code webhook_events} include the event, and each of
 * the team's enabled endpoints subscribed to it. The change and its deliveries commit or
 * roll back together; nothing is sent until after the commit, by the
 * {@link DeliveryWorker}.
 */
@Component
class WebhookOutbox {

	private static final TypeReference<List<String>> EVENT_LIST = new TypeReference<>() {
	};

	private final JobService jobs;

	private final JobTraces traces;

	private final DeliveryQueue queue;

	private final EndpointQueries endpoints;

	private final JsonMapper jsonMapper;

	private final WebhookSettings settings;

	private final DeliveryWorker worker;

	private final Clock clock;

	WebhookOutbox(JobService jobs, DeliveryQueue queue, EndpointQueries endpoints, JsonMapper jsonMapper,
			WebhookSettings settings, DeliveryWorker worker, Clock clock, JobTraces traces) {
		this.traces = traces;
		this.jobs = jobs;
		this.queue = queue;
		this.endpoints = endpoints;
		this.jsonMapper = jsonMapper;
		this.settings = settings;
		this.worker = worker;
		this.clock = clock;
	}

	/** What a consumer receives: {@code {"type", "timestamp", "data": <the job>}}. */
	record EventPayload(String type, Instant timestamp, JobView data) {
	}

	@EventListener
	void on(JobTransitioned transition) {
		JobEventType type = JobEventType.forStatus(transition.to()).orElse(null);
		if (type == null) {
			return;
		}
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			// Without the job's transaction the event could commit without the change,
			// or the change without its event.
			throw new IllegalStateException("Job state changes must be saved in a transaction");
		}
		// The job as this transaction leaves it: the state change being saved included.
		JobView job = this.jobs.find(transition.jobId())
			.orElseThrow(() -> new IllegalStateException("Job " + transition.jobId() + " changed but is not found"));
		List<Target> targets = new ArrayList<>();
		if (job.webhookUrl() != null && subscribes(job.webhookEvents(), type)) {
			targets.add(new Target(null, job.webhookUrl()));
		}
		for (EndpointTarget endpoint : this.endpoints.subscribed(transition.teamId(), type.wireName())) {
			targets.add(new Target(endpoint.id(), endpoint.url()));
		}
		if (targets.isEmpty()) {
			return;
		}
		String eventId = WebhookSigner.newMessageId();
		byte[] payload = this.jsonMapper.writeValueAsBytes(new EventPayload(type.wireName(), transition.at(), job));
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		this.queue.insertEvent(eventId, transition.teamId(), transition.jobId(), type.wireName(), transition.sequence(),
				payload, now, this.traces.currentOrStored(transition.jobId()));
		int attemptsAllowed = this.settings.retrySchedule().attempts();
		for (Target target : targets) {
			this.queue.insertDelivery(Ids.next(), eventId, transition.teamId(), transition.jobId(), type.wireName(),
					target.endpointId(), target.url(), hostOf(target.url()), attemptsAllowed, now);
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				WebhookOutbox.this.worker.wake();
			}
		});
	}

	private boolean subscribes(String eventsJson, JobEventType type) {
		if (eventsJson == null) {
			return JobEventType.TERMINAL.contains(type);
		}
		return this.jsonMapper.readValue(eventsJson, EVENT_LIST).contains(type.wireName());
	}

	/**
	 * The {@code host:port} a URL is sent to, which per-host concurrency is counted by.
	 */
	static String hostOf(String url) {
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			int port = (uri.getPort() != -1) ? uri.getPort() : scheme.equals("https") ? 443 : 80;
			String host = (uri.getHost() != null) ? uri.getHost().toLowerCase(Locale.ROOT) : "";
			return host + ":" + port;
		}
		catch (URISyntaxException ex) {
			// Stored URLs passed validation; an unreadable one fails at its attempt, and
			// is counted on its own.
			return url;
		}
	}

	/**
	 * Where a delivery goes: a team endpoint, or ({@code endpointId} null) the job's URL.
	 */
	private record Target(UUID endpointId, String url) {
	}

}
