package io.genjobs.gateway.job;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

/** Every job's state history. */
interface JobTransitions extends JpaRepository<JobTransition, JobTransition.Key> {

	/** A job's history, oldest first. */
	List<JobTransition> findByJobIdOrderBySequence(UUID jobId);

}
