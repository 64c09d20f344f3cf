package io.genjobs.gateway.common.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.genjobs.gateway.IntegrationTest;

/**
 * A client that goes silent loses its connection: with no request at all after
 * {@code server.netty.idle-timeout}, in the middle of a body after
 * {@code gateway.http.read-timeout} (both 1 s here). Without them the server waits for
 * ever, and these reads would run into their own 20 s timeout.
 */
// The same properties as AuthenticationThrottleTests, so the two share one application.
@IntegrationTest
@TestPropertySource(properties = { "gateway.teams.auth-failures-per-minute=3", "gateway.http.read-timeout=1s",
		"server.netty.idle-timeout=1s", "spring.datasource.hikari.maximum-pool-size=2" })
class HttpServerTimeoutsTests {

	@LocalServerPort
	int port;

	@Test
	void anIdleConnectionIsClosed() throws IOException {
		try (Socket socket = connect()) {
			assertClosedByTheServer(socket.getInputStream());
		}
	}

	@Test
	void aBodyThatStopsArrivingEndsTheConnection() throws IOException {
		try (Socket socket = connect()) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Content-Length: 1000\r\n\r\n{\"input\": ")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertClosedByTheServer(socket.getInputStream());
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 5000);
		socket.setSoTimeout(20_000);
		return socket;
	}

	/** Reads until the server closes the connection (whatever it answers first). */
	private static void assertClosedByTheServer(InputStream in) throws IOException {
		byte[] buffer = new byte[4096];
		try {
			while (in.read(buffer) >= 0) {
				// an answer before closing is fine
			}
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("the server kept a silent connection open for 20 s", ex);
		}
		catch (IOException ex) {
			// reset by the server: closed as well
		}
	}

}
