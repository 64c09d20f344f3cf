package io.genjobs.gateway.storage;

/**
 * A copy of an output file that did not work: {@code lasting} when trying again cannot
 * help (the file is gone, too large, its URL refused), else it is tried again until
 * {@code copy-timeout}.
 */
final class CopyFailure extends Exception {

	private final boolean lasting;

	private CopyFailure(boolean lasting, String message, Throwable cause) {
		super(message, cause);
		this.lasting = lasting;
	}

	static CopyFailure lasting(String message) {
		return new CopyFailure(true, message, null);
	}

	static CopyFailure transientFailure(String message, Throwable cause) {
		return new CopyFailure(false, message, cause);
	}

	boolean isLasting() {
		return this.lasting;
	}

}
