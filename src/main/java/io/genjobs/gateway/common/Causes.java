package io.genjobs.gateway.common;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Walks an exception's cause chain (guarding against a cause that is its own cause), so
 * that a failure is judged by what lies underneath the wrappers of Reactor, Spring and
 * Hibernate.
 */
public final class Causes {

	// A chain longer than this is a cycle the self-reference check does not catch.
	private static final int MAX_DEPTH = 64;

	private Causes() {
	}

	/**
	 * The first exception in the chain of {@code ex} (itself included) of {@code type}.
	 */
	public static <T extends Throwable> @Nullable T find(@Nullable Throwable ex, Class<T> type) {
		Throwable found = first(ex, type::isInstance);
		return (found != null) ? type.cast(found) : null;
	}

	/** Whether the chain of {@code ex} holds an exception of {@code type}. */
	public static boolean has(@Nullable Throwable ex, Class<? extends Throwable> type) {
		return first(ex, type::isInstance) != null;
	}

	/** The first exception in the chain of {@code ex} (itself included) that matches. */
	public static @Nullable Throwable first(@Nullable Throwable ex, Predicate<Throwable> test) {
		Throwable current = ex;
		for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
			if (test.test(current)) {
				return current;
			}
			Throwable cause = current.getCause();
			current = (cause != current) ? cause : null;
		}
		return null;
	}

	/** The innermost exception of the chain. */
	public static Throwable root(Throwable ex) {
		Throwable root = ex;
		Throwable current = ex;
		for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
			root = current;
			Throwable cause = current.getCause();
			current = (cause != current) ? cause : null;
		}
		return root;
	}

}
