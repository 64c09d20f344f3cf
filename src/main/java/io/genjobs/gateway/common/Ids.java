package io.genjobs.gateway.common;

import java.util.UUID;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;

/**
 * New identifiers: UUID version 7 (time-ordered), so rows inserted together sit together
 * in their primary key's index and ids sort roughly by creation.
 */
public final class Ids {

	private static final NoArgGenerator generator = Generators.timeBasedEpochGenerator();

	private Ids() {
	}

	public static UUID next() {
		return generator.generate();
	}

}
