package io.genjobs.gateway.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on a loopback address that only counts the connections it accepts: the
 * target that a refused URL points at, to prove that nothing connected to it.
 */
public final class CountingServer implements AutoCloseable {

	private final ServerSocket socket;

	private final AtomicInteger connections = new AtomicInteger();

	private final Thread acceptor;

	private CountingServer(ServerSocket socket) {
		this.socket = socket;
		this.acceptor = Thread.ofVirtual().name("counting-server").start(this::acceptAll);
	}

	/** Listens on a free port of {@code address}, which must be a loopback address. */
	public static CountingServer on(InetAddress address) throws IOException {
		if (!address.isLoopbackAddress()) {
			throw new IllegalArgumentException("tests listen on loopback addresses only, not " + address);
		}
		ServerSocket socket = new ServerSocket();
		try {
			socket.bind(new InetSocketAddress(address, 0));
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
		return new CountingServer(socket);
	}

	public static CountingServer on(String address) throws IOException {
		return on(InetAddress.getByName(address));
	}

	public int port() {
		return this.socket.getLocalPort();
	}

	/** Connections accepted so far. */
	public int connections() {
		return this.connections.get();
	}

	private void acceptAll() {
		while (!this.socket.isClosed()) {
			try (Socket accepted = this.socket.accept()) {
				this.connections.incrementAndGet();
			}
			catch (SocketException ex) {
				return;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
		try {
			this.acceptor.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
