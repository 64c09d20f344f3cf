package io.genjobs.gateway.job;

import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
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

	private static final Log logger = LogFactory.getLog(JobTraces.class);

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

	/**
	 * Runs one background step of a job as a span of the job's trace; in a trace of its
	 * own when the job's cannot be read (the database is away): the step still runs and
	 * meets the outage in its own error handling, which releases what it holds. Failing
	 * here, before the step, would leave the step's claim held by this instance.
	 */
	public void run(String span, UUID jobId, Runnable work) {
		this.traces.run(span, traceParentIfReadable(jobId), work);
	}

	private @Nullable String traceParentIfReadable(UUID jobId) {
		try {
			return traceParent(jobId);
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read the trace of job " + jobId + ": " + ex.getMessage());
			return null;
		}
	}

}
