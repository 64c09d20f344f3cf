package io.genjobs.gateway.ops;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Queue depth and age, jobs in flight and the webhook backlog as gauges. They describe
 * the shared database, so every replica reports the same values: aggregate them with
 * {@code max}, not {@code sum}. A value that cannot be read (database down, no webhook
 * table yet) is reported as NaN rather than a misleading zero.
 */
@Component
class QueueGauges implements MeterBinder {

	private static final Log logger = LogFactory.getLog(QueueGauges.class);

	private final JobStatistics statistics;

	QueueGauges(JobStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, "gateway.jobs.queued", "Jobs accepted and not yet sent to RunComfy (all instances)", null,
				(status) -> status.jobs().byState().get("queued"));
		gauge(registry, "gateway.jobs.queued.oldest.age", "Age of the oldest queued job (all instances)", "seconds",
				(status) -> status.jobs().oldestQueuedAgeSeconds());
		gauge(registry, "gateway.jobs.in.flight",
				"Jobs at RunComfy or being submitted: what counts against the global in-flight cap", null,
				(status) -> status.jobs().inFlightUpstream());
		Gauge.builder("gateway.webhook.deliveries.backlog", this.statistics, deliveries(true))
			.description("Webhook deliveries pending or failed (all instances; NaN until webhooks exist)")
			.tag("status", "pending")
			.register(registry);
		Gauge.builder("gateway.webhook.deliveries.backlog", this.statistics, deliveries(false))
			.description("Webhook deliveries pending or failed (all instances; NaN until webhooks exist)")
			.tag("status", "failed")
			.register(registry);
	}

	private void gauge(MeterRegistry registry, String name, String description, String unit,
			Function<GatewayStatus, Number> value) {
		Gauge.builder(name, this.statistics, (statistics) -> read(statistics, value))
			.description(description)
			.baseUnit(unit)
			.register(registry);
	}

	private static ToDoubleFunction<JobStatistics> deliveries(boolean pending) {
		return (statistics) -> read(statistics, (status) -> {
			GatewayStatus.Deliveries deliveries = status.webhookDeliveries();
			if (deliveries == null) {
				return null;
			}
			return pending ? deliveries.pending() : deliveries.failed();
		});
	}

	private static double read(JobStatistics statistics, Function<GatewayStatus, Number> value) {
		try {
			Number number = value.apply(statistics.current());
			return (number != null) ? number.doubleValue() : Double.NaN;
		}
		catch (RuntimeException ex) {
			logger.debug("Gateway statistics could not be read", ex);
			return Double.NaN;
		}
	}

}
