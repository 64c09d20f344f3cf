package io.genjobs.gateway.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 server on loopback that ignores {@code Range}: it answers every request
 * with 200 and the whole file, written in 64 KiB pieces, and closes the connection. The
 * file is {@code head}, then zeros, then {@code tail}, {@code length} bytes in all, made
 * up as it is written (so a file of hundreds of megabytes costs no memory). It records
 * each request's {@code Range} header and how many body bytes it managed to write on each
 * connection before the client hung up.
 */
final class RangeIgnoringServer implements AutoCloseable {

	private final ServerSocket socket;

	private final byte[] head;

	private final byte[] tail;

	private final long length;

	private final boolean withLength;

	private final List<String> ranges = new CopyOnWriteArrayList<>();

	private final List<AtomicLong> written = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	RangeIgnoringServer(byte[] head, long length, byte[] tail, boolean withLength) throws IOException {
		this.socket = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
		this.head = head;
		this.tail = tail;
		this.length = length;
		this.withLength = withLength;
		this.acceptor = Thread.ofVirtual().name("range-ignoring-server").start(this::acceptAll);
	}

	int port() {
		return this.socket.getLocalPort();
	}

	/** The {@code Range} header of each request, in order ("" when none). */
	List<String> ranges() {
		return List.copyOf(this.ranges);
	}

	/** Body bytes written on each connection, in order. */
	List<Long> written() {
		return this.written.stream().map(AtomicLong::get).toList();
	}

	long totalWritten() {
		return this.written.stream().mapToLong(AtomicLong::get).sum();
	}

	private void acceptAll() {
		while (!this.socket.isClosed()) {
			try {
				Socket connection = this.socket.accept();
				AtomicLong count = new AtomicLong();
				this.written.add(count);
				Thread.ofVirtual().start(() -> serve(connection, count));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket connection, AtomicLong count) {
		try (connection) {
			this.ranges.add(range(connection.getInputStream()));
			OutputStream out = connection.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
					+ (this.withLength ? "Content-Length: " + this.length + "\r\n" : "") + "Connection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			byte[] piece = new byte[64 * 1024];
			long tailStart = this.length - this.tail.length;
			for (long at = 0; at < this.length;) {
				int size = (int) Math.min(piece.length, this.length - at);
				for (int i = 0; i < size; i++) {
					long position = at + i;
					piece[i] = (position < this.head.length) ? this.head[(int) position]
							: (position >= tailStart) ? this.tail[(int) (position - tailStart)] : 0;
				}
				out.write(piece, 0, size);
				at += size;
				count.addAndGet(size);
			}
			out.flush();
		}
		catch (IOException ex) {
			// The client hung up: what was written is counted.
		}
	}

	/** Reads the request head and returns its Range header's value, or "". */
	private static String range(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				throw new IOException("request ended early");
			}
			head.append((char) next);
		}
		for (String line : head.toString().split("\r\n")) {
			if (line.regionMatches(true, 0, "Range:", 0, 6)) {
				return line.substring(6).strip();
			}
		}
		return "";
	}

	@Override
	public void close() throws Exception {
		this.socket.close();
		this.acceptor.join(Duration.ofSeconds(5));
	}

}
