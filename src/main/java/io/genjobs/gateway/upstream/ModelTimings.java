package io.genjobs.gateway.upstream;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How long each model's jobs take, learned from finished jobs and shared by every
 * instance through {@code model_timings}: an exponentially weighted mean and variance of
 * log-durations (plain averages over the first {@code 1 / ALPHA} jobs, then each new job
 * weighs {@link #ALPHA}), so the estimates follow a model that gets faster or slower. A
 * finished job costs one upsert; the estimates are read, all models at once, at most
 * every {@code timings-refresh}, so what another instance learned reaches this one within
 * that time.
 */
@Component
class ModelTimings {

	private static final Log logger = LogFactory.getLog(ModelTimings.class);

	/** The weight of the newest job once enough are known. */
	static final double ALPHA = 0.05;

	/** Finished jobs needed before a model's polls follow its estimates. */
	static final int MIN_SAMPLES = 5;

	private final JdbcClient jdbc;

	private final Duration refresh;

	private volatile Map<String, ModelTiming> known = Map.of();

	private volatile long loadedAt;

	private volatile boolean loaded;

	ModelTimings(JdbcClient jdbc, UpstreamSettings settings) {
		this.jdbc = jdbc;
		this.refresh = settings.timingsRefresh();
	}

	/** The model's estimates, once {@link #MIN_SAMPLES} of its jobs finished. */
	Optional<ModelTiming> of(String model) {
		long now = System.nanoTime();
		if (!this.loaded || now - this.loadedAt > this.refresh.toNanos()) {
			try {
				reload(now);
			}
			catch (DataAccessException ex) {
				// Polls go on with what was read last (or the floor schedule) until the
				// database answers again; tried again after the next refresh interval.
				this.loadedAt = now;
				this.loaded = true;
				logger.warn("Could not read the models' timings: " + ex.getMessage());
			}
		}
		ModelTiming timing = this.known.get(model);
		return (timing != null && timing.samples() >= MIN_SAMPLES) ? Optional.of(timing) : Optional.empty();
	}

	/** Reads every model's estimates now. */
	void reload() {
		reload(System.nanoTime());
	}

	private void reload(long now) {
		Map<String, ModelTiming> read = new ConcurrentHashMap<>();
		this.jdbc.sql("""
				select model, samples, total_log_mean, total_log_var, run_log_mean, run_log_var from model_timings
				""").query((rs, row) -> timing(rs)).list().forEach((t) -> read.put(t.model(), t));
		this.known = read;
		this.loadedAt = now;
		this.loaded = true;
	}

	/**
	 * Learns from one job RunComfy finished: {@code total} from its submit to its finish,
	 * {@code queue} from its submit to its start where that is known.
	 */
	void learn(String model, Duration total, @Nullable Duration queue) {
		double x = Math.log(seconds(total));
		Double q = null;
		Double r = null;
		if (queue != null && queue.compareTo(total) < 0) {
			q = Math.log(seconds(queue));
			r = Math.log(seconds(total.minus(queue)));
		}
		// In the update, model_timings.* are the row's old values throughout: the mean
		// and variance move together (West's weighted incremental variance).
		ModelTiming learned = this.jdbc
			.sql("""
					insert into model_timings (model, samples, total_log_mean, total_log_var, run_samples,
					                           queue_log_mean, queue_log_var, run_log_mean, run_log_var, updated_at)
					values (:model, 1, cast(:x as float8), 0, case when cast(:r as float8) is null then 0 else 1 end, cast(:q as float8), 0, cast(:r as float8), 0, now())
					on conflict (model) do update set
					    samples = model_timings.samples + 1,
					    total_log_mean = model_timings.total_log_mean
					        + greatest(1.0 / (model_timings.samples + 1), cast(:alpha as float8)) * (cast(:x as float8) - model_timings.total_log_mean),
					    total_log_var = (1 - greatest(1.0 / (model_timings.samples + 1), cast(:alpha as float8)))
					        * (model_timings.total_log_var + greatest(1.0 / (model_timings.samples + 1), cast(:alpha as float8))
					           * (cast(:x as float8) - model_timings.total_log_mean) ^ 2),
					    run_samples = model_timings.run_samples + case when cast(:r as float8) is null then 0 else 1 end,
					    queue_log_mean = case when cast(:q as float8) is null then model_timings.queue_log_mean
					        else coalesce(model_timings.queue_log_mean, cast(:q as float8)) + greatest(1.0 / (model_timings.run_samples + 1), cast(:alpha as float8))
					             * (cast(:q as float8) - coalesce(model_timings.queue_log_mean, cast(:q as float8))) end,
					    queue_log_var = case when cast(:q as float8) is null then model_timings.queue_log_var
					        else (1 - greatest(1.0 / (model_timings.run_samples + 1), cast(:alpha as float8)))
					             * (coalesce(model_timings.queue_log_var, 0) + greatest(1.0 / (model_timings.run_samples + 1), cast(:alpha as float8))
					                * (cast(:q as float8) - coalesce(model_timings.queue_log_mean, cast(:q as float8))) ^ 2) end,
					    run_log_mean = case when cast(:r as float8) is null then model_timings.run_log_mean
					        else coalesce(model_timings.run_log_mean, cast(:r as float8)) + greatest(1.0 / (model_timings.run_samples + 1), cast(:alpha as float8))
					             * (cast(:r as float8) - coalesce(model_timings.run_log_mean, cast(:r as float8))) end,
					    run_log_var = case when cast(:r as float8) is null then model_timings.run_log_var
					        else (1 - greatest(1.0 / (model_timings.run_samples + 1), cast(:alpha as float8)))
					             * (coalesce(model_timings.run_log_var, 0) + greatest(1.0 / (model_timings.run_samples + 1), cast(:alpha as float8))
					                * (cast(:r as float8) - coalesce(model_timings.run_log_mean, cast(:r as float8))) ^ 2) end,
					    updated_at = now()
					returning model, samples, total_log_mean, total_log_var, run_log_mean, run_log_var
					""")
			.param("model", model)
			.param("x", x)
			.param("q", q)
			.param("r", r)
			.param("alpha", ALPHA)
			.query((rs, row) -> timing(rs))
			.single();
		Map<String, ModelTiming> updated = new ConcurrentHashMap<>(this.known);
		updated.put(model, learned);
		this.known = updated;
	}

	private static ModelTiming timing(ResultSet rs) throws SQLException {
		double runMean = rs.getDouble("run_log_mean");
		boolean runKnown = !rs.wasNull();
		double runVar = rs.getDouble("run_log_var");
		return new ModelTiming(rs.getString("model"), rs.getLong("samples"), rs.getDouble("total_log_mean"),
				Math.sqrt(Math.max(0, rs.getDouble("total_log_var"))), runKnown ? runMean : null,
				runKnown ? Math.sqrt(Math.max(0, runVar)) : null);
	}

	private static double seconds(Duration duration) {
		return Math.max(1e-3, duration.toNanos() / 1e9);
	}

}
