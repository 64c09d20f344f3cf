package io.genjobs.gateway.common;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Carries a trace across the database (DESIGN, "Operations"): the W3C {@code traceparent}
 * of the current span, to store with a job or an event, and spans opened later, on any
 * instance, as children of a stored one. Without a tracer (tracing off) there is nothing
 * to store and the work runs as it is.
 */
@Component
public class TraceContexts {

	/** The name the background steps are observed (and timed) under. */
	public static final String WORK = "gateway.work";

	private static final String TRACEPARENT = "traceparent";

	private final @Nullable Tracer tracer;

	private final @Nullable Propagator propagator;

	private final ObservationRegistry observations;

	public TraceContexts(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator,
			ObjectProvider<ObservationRegistry> observations) {
		this.tracer = tracer.getIfAvailable();
		this.propagator = propagator.getIfAvailable();
		this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
	}

	/**
	 * The current span's {@code traceparent}, or {@code null} when no span is current.
	 */
	public @Nullable String current() {
		if (this.tracer == null || this.propagator == null) {
			return null;
		}
		Span span = this.tracer.currentSpan();
		if (span == null) {
			return null;
		}
		Map<String, String> carrier = new HashMap<>();
		this.propagator.inject(span.context(), carrier, Map::put);
		return carrier.get(TRACEPARENT);
	}

	/**
	 * Runs {@code work} in a new span named {@code name}, a child of the span that
	 * {@code traceParent} names (a new trace when it is {@code null}).
	 */
	public void run(String name, @Nullable String traceParent, Runnable work) {
		try (SpanScope scope = open(name, traceParent)) {
			work.run();
		}
	}

	/**
	 * Opens a span named {@code name}, current on this thread (and in the Reactor context
	 * of what it subscribes) until the scope closes: a child of the span
	 * {@code traceParent} names (a new trace when it is {@code null}). It is an
	 * observation, so it is also timed ({@value #WORK}, tag {@code step}).
	 */
	public SpanScope open(String name, @Nullable String traceParent) {
		if (this.observations.isNoop()) {
			return () -> {
			};
		}
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>((carrier, key) -> carrier.get(key),
				Kind.CONSUMER);
		context.setCarrier((traceParent != null) ? Map.of(TRACEPARENT, traceParent) : Map.of());
		return scoped(Observation.createNotStarted(WORK, () -> context, this.observations), name);
	}

	/** A child of the current span (see {@link #open}). */
	public SpanScope openChild(String name) {
		if (this.observations.isNoop()) {
			return () -> {
			};
		}
		return scoped(Observation.createNotStarted(WORK, this.observations), name);
	}

	private static SpanScope scoped(Observation observation, String name) {
		observation.contextualName(name).lowCardinalityKeyValue("step", name).start();
		Observation.Scope scope = observation.openScope();
		return () -> {
			scope.close();
			observation.stop();
		};
	}

	/** An open span; closing it ends it. */
	public interface SpanScope extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * The trace id a {@code traceparent} names ({@code 00-<trace id>-<span id>-<flags>}),
	 * or {@code null}.
	 */
	public static @Nullable String traceId(@Nullable String traceParent) {
		if (traceParent == null) {
			return null;
		}
		String[] parts = traceParent.split("-");
		return (parts.length == 4 && parts[1].length() == 32) ? parts[1] : null;
	}

}
