package io.genjobs.gateway.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Classification of literal addresses only: nothing here resolves a name or connects. */
class AddressKindTests {

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource({ "93.184.216.34, PUBLIC", "8.8.8.8, PUBLIC", "1.1.1.1, PUBLIC", "172.15.255.255, PUBLIC",
			"172.32.0.1, PUBLIC", "100.63.255.255, PUBLIC", "100.128.0.1, PUBLIC", "169.253.0.1, PUBLIC",
			"223.255.255.255, PUBLIC", "127.0.0.1, LOOPBACK", "127.0.0.2, LOOPBACK", "127.255.255.254, LOOPBACK",
			"10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
			"192.168.0.1, PRIVATE", "169.254.169.254, LINK_LOCAL", "169.254.0.1, LINK_LOCAL", "100.64.0.1, SHARED",
			"100.127.255.255, SHARED", "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "0.0.0.0, UNSPECIFIED",
			"0.1.2.3, UNSPECIFIED", "255.255.255.255, BROADCAST", "240.0.0.1, RESERVED" })
	void classifiesIpv4(String literal, AddressKind kind) throws UnknownHostException {
		assertThat(AddressKind.of(InetAddress.getByName(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource({ "2606:4700:4700::1111, PUBLIC", "2001:db8::1, PUBLIC", "'::', UNSPECIFIED", "'::1', LOOPBACK",
			"fe80::1, LINK_LOCAL", "febf:ffff::1, LINK_LOCAL", "fc00::1, PRIVATE", "fd12:3456:789a::1, PRIVATE",
			"fec0::1, PRIVATE", "ff02::1, MULTICAST", "ff0e::101, MULTICAST", "'::127.0.0.1', LOOPBACK",
			"'::10.1.2.3', PRIVATE", "64:ff9b::a9fe:a9fe, LINK_LOCAL", "64:ff9b::5db8:d822, PUBLIC" })
	void classifiesIpv6(String literal, AddressKind kind) throws UnknownHostException {
		assertThat(AddressKind.of(InetAddress.getByName(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "::ffff:{0} is {1}")
	@CsvSource({ "127.0.0.1, LOOPBACK", "10.0.0.1, PRIVATE", "192.168.1.1, PRIVATE", "169.254.169.254, LINK_LOCAL",
			"100.64.0.1, SHARED", "0.0.0.0, UNSPECIFIED", "224.0.0.1, MULTICAST", "93.184.216.34, PUBLIC" })
	void classifiesIpv4MappedIpv6ByTheAddressItCarries(String ipv4, AddressKind kind) throws UnknownHostException {
		byte[] mapped = new byte[16];
		mapped[10] = (byte) 0xFF;
		mapped[11] = (byte) 0xFF;
		System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, mapped, 12, 4);
		// The JDK turns mapped addresses into Inet4Address; Inet6Address keeps the form.
		Inet6Address address = Inet6Address.getByAddress(null, mapped, -1);
		assertThat(address.getAddress()).hasSize(16);
		assertThat(AddressKind.of(address)).isEqualTo(kind);
	}

	@Test
	void mappedLiteralsParsedByTheJdkAreClassifiedToo() throws UnknownHostException {
		assertThat(AddressKind.of(InetAddress.getByName("::ffff:127.0.0.1"))).isEqualTo(AddressKind.LOOPBACK);
		assertThat(AddressKind.of(InetAddress.getByName("::ffff:a9fe:a9fe"))).isEqualTo(AddressKind.LINK_LOCAL);
	}

}
