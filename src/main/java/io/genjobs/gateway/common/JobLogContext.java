package io.genjobs.gateway.common;

import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.MDC;

/**
 * Puts a job's id and its team's id into the logging context (SLF4J's MDC, keys
 * {@value #JOB_ID} and {@value #TEAM_ID}) while some work runs, so that every line it
 * logs names them, in plain text and as ECS JSON fields alike. For code that works on one
 * job at a time on its own thread, such as the dispatcher and the poller:
 *
 * <pre class="code">
 * JobLogContext.with(ticket.jobId(), ticket.teamId(), () -&gt; submit(ticket));
 * </pre>
 *
 * Values already in the context are restored afterwards, so calls nest. Request handling
 * sets the same keys by itself.
 */
public final class JobLogContext {

	/** MDC key of the job's id. */
	public static final String JOB_ID = "job_id";

	/** MDC key of the team's id. */
	public static final String TEAM_ID = "team_id";

	private JobLogContext() {
	}

	/**
	 * Runs {@code work} with the ids in the logging context; {@code null} ids are left
	 * out.
	 */
	public static void with(UUID jobId, UUID teamId, Runnable work) {
		try (Scope scope = open(jobId, teamId)) {
			work.run();
		}
	}

	/** Like {@link #with}, for work that returns a value. */
	public static <T> T call(UUID jobId, UUID teamId, Supplier<T> work) {
		try (Scope scope = open(jobId, teamId)) {
			return work.get();
		}
	}

	/**
	 * Puts the ids into the logging context until the returned scope is closed (use it in
	 * a try-with-resources on the same thread).
	 */
	public static Scope open(UUID jobId, UUID teamId) {
		return open((jobId != null) ? jobId.toString() : null, (teamId != null) ? teamId.toString() : null);
	}

	/** Same, with ids already as text. */
	public static Scope open(String jobId, String teamId) {
		String previousJob = MDC.get(JOB_ID);
		String previousTeam = MDC.get(TEAM_ID);
		put(JOB_ID, jobId);
		put(TEAM_ID, teamId);
		return () -> {
			restore(JOB_ID, previousJob);
			restore(TEAM_ID, previousTeam);
		};
	}

	private static void put(String key, String value) {
		if (value != null) {
			MDC.put(key, value);
		}
	}

	private static void restore(String key, String previous) {
		if (previous != null) {
			MDC.put(key, previous);
		}
		else {
			MDC.remove(key);
		}
	}

	/** Restores the logging context as it was before {@link #open}. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
