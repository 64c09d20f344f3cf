package io.genjobs.gateway.common.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * A {@link NewAwareEntity} identified by an id the gateway assigns and stamped with the
 * instant it was created (columns {@code id} and {@code created_at}); neither changes
 * afterwards.
 */
@MappedSuperclass
public abstract class CreatedEntity<E extends CreatedEntity<E>> extends NewAwareEntity<E> {

	@Id
	private UUID id;

	private Instant createdAt;

	/** For JPA, which loads entities that are not new. */
	protected CreatedEntity() {
	}

	/** A new entity, to be inserted by its first save. */
	protected CreatedEntity(UUID id, Instant createdAt) {
		super(true);
		this.id = id;
		this.createdAt = createdAt;
	}

	@Override
	public UUID getId() {
		return this.id;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
