package io.genjobs.gateway.net;

/**
 * A URL the gateway will not call on a user's behalf: not http(s), no host, a host that
 * resolves to a loopback, private, link-local, multicast or otherwise internal address
 * and is not allow-listed, or a redirect chain that goes too far. The message is written
 * for the client and never repeats credentials, paths or query strings from the URL.
 */
public class OutboundRefusedException extends RuntimeException {

	OutboundRefusedException(String message) {
		super(message);
	}

}
