package io.genjobs.gateway.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A download on its way into the store: counts and hashes (SHA-256) the bytes read, and
 * stops the copy with a {@link LimitExceeded} one byte past the size limit or once the
 * time limit has passed.
 */
final class MeteredStream extends FilterInputStream {

	private final MessageDigest sha256;

	private final long maxBytes;

	private final Instant deadline;

	private final Clock clock;

	private long count;

	MeteredStream(InputStream in, long maxBytes, Instant deadline, Clock clock) {
		super(in);
		this.maxBytes = maxBytes;
		this.deadline = deadline;
		this.clock = clock;
		try {
			this.sha256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) == -1) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		if (this.clock.instant().isAfter(this.deadline)) {
			throw new LimitExceeded(false, "took longer than the time limit");
		}
		int read = super.read(buffer, offset, length);
		if (read > 0) {
			this.count += read;
			if (this.count > this.maxBytes) {
				throw new LimitExceeded(true, "is larger than " + this.maxBytes + " bytes");
			}
			this.sha256.update(buffer, offset, read);
		}
		return read;
	}

	@Override
	public long skip(long n) throws IOException {
		throw new IOException("A metered stream is read, not skipped");
	}

	long count() {
		return this.count;
	}

	/** The SHA-256 of what was read, hex. */
	String sha256() {
		return HexFormat.of().formatHex(this.sha256.digest());
	}

	/** The copy broke a limit; {@code lasting} when trying again cannot help. */
	static final class LimitExceeded extends IOException {

		private final boolean lasting;

		LimitExceeded(boolean lasting, String message) {
			super(message);
			this.lasting = lasting;
		}

		boolean isLasting() {
			return this.lasting;
		}

	}

}
