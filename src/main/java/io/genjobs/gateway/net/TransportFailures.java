package io.genjobs.gateway.net;

import java.net.ConnectException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

import io.netty.channel.ConnectTimeoutException;
import reactor.netty.http.client.PrematureCloseException;

import io.genjobs.gateway.common.Causes;

/**
 * Why an outbound call got no answer, in words fit for a client or a delivery log: never
 * the URL (it may carry credentials) nor anything secret. Timeouts of a whole exchange
 * are the caller's to word (only it knows its limit).
 */
public final class TransportFailures {

	private TransportFailures() {
	}

	/**
	 * The connection-level reason for {@code ex}: the outbound guard's refusal, an
	 * unknown host, a connect timeout, a refused connection, a failed TLS handshake, or a
	 * connection closed early; otherwise "the connection failed".
	 */
	public static String describe(Throwable ex) {
		OutboundRefusedException refused = Causes.find(ex, OutboundRefusedException.class);
		if (refused != null) {
			return "refused by the outbound guard: " + refused.getMessage();
		}
		if (Causes.has(ex, UnknownHostException.class)) {
			return "the host could not be resolved";
		}
		if (Causes.has(ex, ConnectTimeoutException.class)) {
			return "the connection timed out";
		}
		if (Causes.has(ex, ConnectException.class)) {
			return "the connection was refused";
		}
		if (Causes.has(ex, SSLException.class)) {
			return "the TLS handshake failed";
		}
		if (Causes.has(ex, PrematureCloseException.class)) {
			return "the connection closed before the response was complete";
		}
		return "the connection failed (" + ex.getClass().getSimpleName() + ")";
	}

}
