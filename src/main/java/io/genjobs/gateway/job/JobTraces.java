package io.genjobs.gateway.job;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.TraceContexts;

/**
 * The trace a job belongs to (DESIGN, "Operations"): the {@code traceparent} of the span
 * that accepted it, for the background steps (submit, polls, result, output copying) to
 * open their spans in the same trace on whichever instance they run.
 */
@Component
public class JobTraces {

	private final JdbcClient jdbc;

	private final TraceContexts traces;

	JobTraces(JdbcClient jdbc, TraceContexts traces) {
		this.jdbc = jdbc;
		this.traces = traces;
	}

	/** The job's stored {@code traceparent}, or {@code null} (none stored, or no job). */
	public @Nullable String traceParent(UUID jobId) {
		return this.jdbc.sql("select trace_parent from jobs where id = :id")
			.param("id", jobId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	/**
	 * The {@code traceparent} a job's event carries: the current span's, else the job's
	 * own.
	 */
	public @Nullable String currentOrStored(UUID jobId) {
		String current = this.traces.current();
		return (current != null) ? current : traceParent(jobId);
	}

	/** A span, child of the current one (the result fetch within a poll, say). */
	public TraceContexts.SpanScope openChild(String name) {
		return this.traces.openChild(name);
	}

	/** Runs one background step of a job as a span of the job's trace. */
	public void run(String span, UUID jobId, Runnable work) {
		this.traces.run(span, traceParent(jobId), work);
	}

}
