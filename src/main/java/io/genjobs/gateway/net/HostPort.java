package io.genjobs.gateway.net;

import java.util.Locale;

import io.netty.util.NetUtil;

/**
 * A host as written in a URL (a name or an IP literal) and a port, in the one spelling
 * used to compare URLs with allow-list entries: names in lower case, IP literals in their
 * canonical form, so that {@code [0:0::1]:80} and {@code [::1]:80} are the same.
 */
record HostPort(String host, int port) {

	HostPort {
		host = normalize(host);
		if (host.isEmpty()) {
			throw new IllegalArgumentException("host is empty");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port " + port + " is out of range");
		}
	}

	/**
	 * Reads an allow-list entry: {@code name:port}, {@code 10.0.0.5:8080} or
	 * {@code [fd00::5]:8080}.
	 */
	static HostPort parse(String entry) {
		String trimmed = entry.strip();
		int colon = trimmed.lastIndexOf(':');
		int bracket = trimmed.lastIndexOf(']');
		if (colon <= 0 || colon < bracket || colon == trimmed.length() - 1) {
			throw invalidEntry(entry);
		}
		String host = trimmed.substring(0, colon);
		if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
			throw invalidEntry(entry);
		}
		try {
			return new HostPort(host, Integer.parseInt(trimmed.substring(colon + 1)));
		}
		catch (IllegalArgumentException ex) {
			throw invalidEntry(entry);
		}
	}

	boolean isIpLiteral() {
		return isIpLiteral(this.host);
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

	/** The host as it reads in a message: IPv6 literals in brackets. */
	String displayHost() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]" : this.host;
	}

	private static String normalize(String host) {
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if (isIpLiteral(bare)) {
			return NetUtil.toAddressString(NetUtil.createInetAddressFromIpAddressString(bare));
		}
		return bare.toLowerCase(Locale.ROOT);
	}

	private static boolean isIpLiteral(String host) {
		return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
	}

	private static IllegalArgumentException invalidEntry(String entry) {
		return new IllegalArgumentException("gateway.outbound.allowed-hosts entry '" + entry
				+ "' is not host:port (write IPv6 addresses in brackets, for example [::1]:8080)");
	}

}
