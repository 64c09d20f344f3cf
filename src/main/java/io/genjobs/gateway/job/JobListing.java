package io.genjobs.gateway.job;

import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.web.PageCursor;

/**
 * One page of a team's jobs, newest first, by keyset: each page starts strictly after the
 * previous page's last (created_at, id), so jobs added meanwhile (all newer) never shift
 * or repeat entries. The row-value comparison {@code (created_at, id) < (?, ?)} walks
 * {@code jobs_team_created_idx} (or {@code jobs_team_status_created_idx} with a status
 * filter) from the cursor on; the SQL is built per filter combination rather than with
 * {@code :x is null or ...} so every variant gets an index plan.
 */
@Component
class JobListing {

	private final EntityManager entityManager;

	JobListing(EntityManager entityManager) {
		this.entityManager = entityManager;
	}

	/**
	 * Up to {@code limit} jobs after {@code after} (or from the newest when
	 * {@code null}).
	 */
	@SuppressWarnings("unchecked")
	List<Job> page(UUID teamId, JobStatus status, String model, PageCursor after, int limit) {
		StringBuilder sql = new StringBuilder("select * from jobs where team_id = :teamId");
		if (status != null) {
			sql.append(" and status = :status");
		}
		if (model != null) {
			sql.append(" and model = :model");
		}
		if (after != null) {
			sql.append(" and (created_at, id) < (:afterCreatedAt, :afterId)");
		}
		sql.append(" order by created_at desc, id desc limit :limit");
		Query query = this.entityManager.createNativeQuery(sql.toString(), Job.class);
		query.setParameter("teamId", teamId);
		if (status != null) {
			query.setParameter("status", status.wireName());
		}
		if (model != null) {
			query.setParameter("model", model);
		}
		if (after != null) {
			query.setParameter("afterCreatedAt", after.createdAt());
			query.setParameter("afterId", after.id());
		}
		query.setParameter("limit", limit);
		return query.getResultList();
	}

}
