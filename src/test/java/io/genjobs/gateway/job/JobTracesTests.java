package io.genjobs.gateway.job;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.genjobs.gateway.common.TraceContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A job's background step runs when its trace cannot be read: with the database away,
 * failing before the step would leave the step's claim (a poll, a submit, an output copy)
 * held by the instance, never released. Found by bench/chaos-pg-restart.sh: two output
 * copies claimed as PostgreSQL stopped stayed held, their claims renewed, for good.
 */
class JobTracesTests {

	// A loopback port nothing listens on: every connection is refused at once.
	private final JdbcClient unreachable = JdbcClient
		.create(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2", "postgres", ""));

	private final JobTraces traces = new JobTraces(this.unreachable, noTracing());

	@Test
	void shouldRunTheStepInATraceOfItsOwnWhenTheJobsTraceCannotBeRead() {
		AtomicBoolean ran = new AtomicBoolean();
		this.traces.run("job poll", UUID.randomUUID(), () -> ran.set(true));
		assertThat(ran).isTrue();
	}

	@Test
	void shouldStillSayWhenAskedForTheTraceItself() {
		// Only the step runner falls back: a caller asking for the stored trace learns
		// that the database is away.
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> this.traces.traceParent(UUID.randomUUID()));
	}

	private static TraceContexts noTracing() {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("observations", ObservationRegistry.NOOP);
		return new TraceContexts(beans.getBeanProvider(Tracer.class), beans.getBeanProvider(Propagator.class),
				beans.getBeanProvider(ObservationRegistry.class));
	}

}
