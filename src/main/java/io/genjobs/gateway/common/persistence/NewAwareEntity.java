package io.genjobs.gateway.common.persistence;

import java.util.UUID;

import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;

import org.springframework.data.domain.AbstractAggregateRoot;
import org.springframework.data.domain.Persistable;

/**
 * An entity whose id the gateway assigns before the first save. Spring Data cannot tell
 * such an entity is new from its id, and would look it up before every insert; this base
 * tells it instead: new when made by its constructor, not new once stored or loaded. It
 * also lets an entity register domain events that its repository's {@code save}
 * publishes.
 */
@MappedSuperclass
public abstract class NewAwareEntity<E extends NewAwareEntity<E>> extends AbstractAggregateRoot<E>
		implements Persistable<UUID> {

	@Transient
	private boolean isNew;

	/** For JPA, which loads entities that are not new. */
	protected NewAwareEntity() {
	}

	/** A new entity, to be inserted by its first save. */
	protected NewAwareEntity(boolean isNew) {
		this.isNew = isNew;
	}

	@Override
	public boolean isNew() {
		return this.isNew;
	}

	@PostPersist
	@PostLoad
	void markStored() {
		this.isNew = false;
	}

}
