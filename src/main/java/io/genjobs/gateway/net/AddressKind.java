package io.genjobs.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * What an IP address reaches, as far as outbound safety is concerned: the public
 * internet, or something inside (this host, its networks, no single host at all, or a
 * range the IANA special-purpose registries set aside).
 * <p>
 * Only global unicast is {@link #PUBLIC}: IPv4 outside every special-purpose block, and
 * IPv6 inside {@code 2000::/3} outside every special-purpose block. Addresses that carry
 * an IPv4 address (IPv4-mapped, -compatible and -translated, NAT64 {@code 64:ff9b::/96}
 * and {@code 64:ff9b:1::/48}, 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}) are
 * classified by the IPv4 address they reach, so {@code 2002:7f00:1::} is loopback.
 *
 * @see <a href= "https://www.iana.org/assignments/iana-ipv4-special-registry/">IANA IPv4
 * Special-Purpose Address Registry</a>
 * @see <a href= "https://www.iana.org/assignments/iana-ipv6-special-registry/">IANA IPv6
 * Special-Purpose Address Registry</a>
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

	DOCUMENTATION("a documentation address"),

	BENCHMARKING("a benchmarking (198.18.0.0/15) address"),

	PROTOCOL("an IETF protocol assignment address"),

	RESERVED("a reserved address");

	/**
	 * IPv4 special-purpose blocks, most specific first where they nest. The registry's
	 * globally reachable entries (AS112 192.31.196.0/24 and 192.175.48.0/24, AMT
	 * 192.52.193.0/24) are left out, so they stay public.
	 */
	private static final List<Block> IPV4 = List.of(Block.of("0.0.0.0", 8, UNSPECIFIED),
			Block.of("10.0.0.0", 8, PRIVATE), Block.of("100.64.0.0", 10, SHARED), Block.of("127.0.0.0", 8, LOOPBACK),
			Block.of("169.254.0.0", 16, LINK_LOCAL), Block.of("172.16.0.0", 12, PRIVATE),
			Block.of("192.0.0.0", 24, PROTOCOL), Block.of("192.0.2.0", 24, DOCUMENTATION),
			Block.of("192.88.99.0", 24, RESERVED), Block.of("192.168.0.0", 16, PRIVATE),
			Block.of("198.18.0.0", 15, BENCHMARKING), Block.of("198.51.100.0", 24, DOCUMENTATION),
			Block.of("203.0.113.0", 24, DOCUMENTATION), Block.of("224.0.0.0", 4, MULTICAST),
			Block.of("255.255.255.255", 32, BROADCAST), Block.of("240.0.0.0", 4, RESERVED));

	/**
	 * IPv6 special-purpose blocks inside {@code 2000::/3} (everything outside it is not
	 * global unicast and is classified before these are consulted). The registry's
	 * globally reachable entries inside 2001::/23 come first as public.
	 */
	private static final List<Block> IPV6 = List.of(Block.of("2001:1::1", 128, PUBLIC),
			Block.of("2001:1::2", 128, PUBLIC), Block.of("2001:1::3", 128, PUBLIC), Block.of("2001:3::", 32, PUBLIC),
			Block.of("2001:4:112::", 48, PUBLIC), Block.of("2001:20::", 28, PUBLIC), Block.of("2001:30::", 28, PUBLIC),
			Block.of("2001:db8::", 32, DOCUMENTATION), Block.of("2001::", 23, PROTOCOL),
			Block.of("3fff::", 20, DOCUMENTATION));

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

	private static AddressKind ofIpv4(byte[] bytes) {
		return classify(IPV4, bytes);
	}

	private static AddressKind ofIpv6(byte[] b) {
		if (isZero(b, 0, 16)) {
			return UNSPECIFIED;
		}
		if (isZero(b, 0, 15) && b[15] == 1) {
			return LOOPBACK;
		}
		byte[] carried = carriedIpv4(b);
		if (carried != null) {
			AddressKind kind = ofIpv4(carried);
			// The local-use NAT64 prefix is never globally reachable, whatever it
			// carries.
			return (kind.isPublic() && isLocalUseNat64(b)) ? RESERVED : kind;
		}
		if (isTeredo(b)) {
			// Teredo: the server's IPv4 address in bytes 4-7, the client's (inverted) in
			// 12-15; the packets go to both.
			AddressKind server = ofIpv4(new byte[] { b[4], b[5], b[6], b[7] });
			AddressKind client = ofIpv4(new byte[] { (byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15] });
			return server.isPublic() ? client : server;
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
		if ((first & 0xE0) != 0x20) {
			// Outside 2000::/3: discard-only 100::/64, SRv6 5f00::/16, unassigned space.
			return RESERVED;
		}
		return classify(IPV6, b);
	}

	/**
	 * The IPv4 address an IPv6 address stands for, or null: IPv4-mapped
	 * ({@code ::ffff:0:0/96}), -compatible ({@code ::/96}), -translated
	 * ({@code ::ffff:0:0:0/96}), NAT64 ({@code 64:ff9b::/96}, and {@code 64:ff9b:1::/48}
	 * with the RFC 6052 /48 or /96 layout), 6to4 ({@code 2002::/16}).
	 */
	private static byte[] carriedIpv4(byte[] b) {
		boolean mapped = isZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
		boolean compatible = isZero(b, 0, 12);
		boolean translated = isZero(b, 0, 8) && (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && isZero(b, 10, 12);
		boolean nat64 = startsWith(b, 0x00, 0x64, 0xFF, 0x9B) && isZero(b, 4, 12);
		if (mapped || compatible || translated || nat64) {
			return new byte[] { b[12], b[13], b[14], b[15] };
		}
		if (isLocalUseNat64(b)) {
			// RFC 6052 /48: IPv4 in bytes 6-7 and 9-10 (byte 8 is the reserved "u"
			// octet);
			// a /96 translator puts it in the last four bytes.
			return isZero(b, 6, 12) ? new byte[] { b[12], b[13], b[14], b[15] }
					: new byte[] { b[6], b[7], b[9], b[10] };
		}
		if (startsWith(b, 0x20, 0x02)) {
			return new byte[] { b[2], b[3], b[4], b[5] };
		}
		return null;
	}

	private static boolean isLocalUseNat64(byte[] b) {
		return startsWith(b, 0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01);
	}

	private static boolean isTeredo(byte[] b) {
		return startsWith(b, 0x20, 0x01, 0x00, 0x00);
	}

	private static AddressKind classify(List<Block> blocks, byte[] address) {
		for (Block block : blocks) {
			if (block.contains(address)) {
				return block.kind();
			}
		}
		return PUBLIC;
	}

	private static boolean startsWith(byte[] bytes, int... prefix) {
		for (int i = 0; i < prefix.length; i++) {
			if ((bytes[i] & 0xFF) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static boolean isZero(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return true;
	}

	/** A CIDR block of one address family and the kind its addresses are. */
	private record Block(byte[] prefix, int length, AddressKind kind) {

		static Block of(String literal, int length, AddressKind kind) {
			return new Block(literalBytes(literal), length, kind);
		}

		boolean contains(byte[] address) {
			if (address.length != this.prefix.length) {
				return false;
			}
			int whole = this.length / 8;
			for (int i = 0; i < whole; i++) {
				if (address[i] != this.prefix[i]) {
					return false;
				}
			}
			int rest = this.length % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (address[whole] & mask) == (this.prefix[whole] & mask);
		}

		private static byte[] literalBytes(String literal) {
			try {
				// A literal is parsed, never resolved.
				return InetAddress.getByName(literal).getAddress();
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException(literal, ex);
			}
		}

	}

}
