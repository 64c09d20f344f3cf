package io.genjobs.gateway.net;

import java.net.InetAddress;

/**
 * What an IP address reaches, as far as outbound safety is concerned: the public
 * internet, or something inside (this host, its networks, or no single host at all).
 */
enum AddressKind {

	PUBLIC("a public address"),

	LOOPBACK("a loopback address"),

	PRIVATE("a private address"),

	LINK_LOCAL("a link-local address"),

	SHARED("a carrier-grade NAT (100.64.0.0/10) address"),

	MULTICAST("a multicast address"),

	UNSPECIFIED("an unspecified address"),

	BROADCAST("a broadcast address"),

	RESERVED("a reserved address");

	private final String description;

	AddressKind(String description) {
		this.description = description;
	}

	/** How the kind reads in a sentence, for example "a loopback address". */
	String description() {
		return this.description;
	}

	boolean isPublic() {
		return this == PUBLIC;
	}

	/** Classifies an address by its bytes alone; never touches the network. */
	static AddressKind of(InetAddress address) {
		byte[] bytes = address.getAddress();
		return (bytes.length == 4) ? ofIpv4(bytes) : ofIpv6(bytes);
	}

	private static AddressKind ofIpv4(byte[] b) {
		int first = b[0] & 0xFF;
		int second = b[1] & 0xFF;
		if (first == 0) {
			// 0.0.0.0/8 means "this network"; Linux connects 0.0.0.0 to the local host.
			return UNSPECIFIED;
		}
		if (first == 127) {
			return LOOPBACK;
		}
		if (first == 10 || (first == 172 && (second & 0xF0) == 16) || (first == 192 && second == 168)) {
			return PRIVATE;
		}
		if (first == 100 && (second & 0xC0) == 64) {
			return SHARED;
		}
		if (first == 169 && second == 254) {
			return LINK_LOCAL;
		}
		if ((first & 0xF0) == 224) {
			return MULTICAST;
		}
		if (first == 255 && second == 255 && (b[2] & 0xFF) == 255 && (b[3] & 0xFF) == 255) {
			return BROADCAST;
		}
		if ((first & 0xF0) == 240) {
			return RESERVED;
		}
		return PUBLIC;
	}

	private static AddressKind ofIpv6(byte[] b) {
		if (isZero(b, 0, 16)) {
			return UNSPECIFIED;
		}
		if (isZero(b, 0, 15) && b[15] == 1) {
			return LOOPBACK;
		}
		// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64
		// (64:ff9b::a.b.c.d) addresses reach the IPv4 address they carry.
		boolean mapped = isZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
		boolean compatible = isZero(b, 0, 12);
		boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
				&& isZero(b, 4, 12);
		if (mapped || compatible || nat64) {
			return ofIpv4(new byte[] { b[12], b[13], b[14], b[15] });
		}
		int first = b[0] & 0xFF;
		int second = b[1] & 0xFF;
		if (first == 0xFF) {
			return MULTICAST;
		}
		if (first == 0xFE && (second & 0xC0) == 0x80) {
			return LINK_LOCAL;
		}
		// fc00::/7 unique local, and fec0::/10 site-local (deprecated but still routed
		// inside some networks).
		if ((first & 0xFE) == 0xFC || (first == 0xFE && (second & 0xC0) == 0xC0)) {
			return PRIVATE;
		}
		return PUBLIC;
	}

	private static boolean isZero(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return true;
	}

}
