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
			"0.1.2.3, UNSPECIFIED", "255.255.255.255, BROADCAST", "240.0.0.1, RESERVED", "192.0.0.1, PROTOCOL",
			"192.0.0.9, PROTOCOL", "192.0.0.255, PROTOCOL", "191.255.255.255, PUBLIC", "192.0.1.0, PUBLIC",
			"192.0.2.1, DOCUMENTATION", "198.51.100.7, DOCUMENTATION", "203.0.113.255, DOCUMENTATION",
			"198.18.0.1, BENCHMARKING", "198.19.255.255, BENCHMARKING", "198.17.255.255, PUBLIC", "198.20.0.0, PUBLIC",
			"192.88.99.1, RESERVED", "192.31.196.1, PUBLIC", "192.175.48.1, PUBLIC", "192.52.193.1, PUBLIC",
			"254.1.2.3, RESERVED" })
	void classifiesIpv4(String literal, AddressKind kind) throws UnknownHostException {
		assertThat(AddressKind.of(InetAddress.getByName(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource({ "2606:4700:4700::1111, PUBLIC", "2001:db8::1, DOCUMENTATION", "'::', UNSPECIFIED", "'::1', LOOPBACK",
			"fe80::1, LINK_LOCAL", "febf:ffff::1, LINK_LOCAL", "fc00::1, PRIVATE", "fd12:3456:789a::1, PRIVATE",
			"fec0::1, PRIVATE", "ff02::1, MULTICAST", "ff0e::101, MULTICAST", "'::127.0.0.1', LOOPBACK",
			"'::10.1.2.3', PRIVATE", "64:ff9b::a9fe:a9fe, LINK_LOCAL", "64:ff9b::5db8:d822, PUBLIC",
			"3fff::1, DOCUMENTATION", "3fff:fff::1, DOCUMENTATION", "3fff:1000::1, PUBLIC", "2001:2::1, PROTOCOL",
			"2001:1ff::1, PROTOCOL", "2001:200::1, PUBLIC", "2001:1::1, PUBLIC", "2001:1::4, PROTOCOL",
			"2001:3::1, PUBLIC", "2001:4:112::1, PUBLIC", "2001:20::1, PUBLIC", "100::1, RESERVED", "5f00::1, RESERVED",
			"4000::1, RESERVED", "1fff::1, RESERVED", "e000::1, RESERVED" })
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

	@ParameterizedTest(name = "{0} carries {1}")
	@CsvSource({ "'2002:7f00:1::', LOOPBACK", "'2002:a9fe:a9fe::1', LINK_LOCAL", "'2002:c0a8:101::', PRIVATE",
			"'2002:c000:1::', PROTOCOL", "'2002:c612:1::', BENCHMARKING", "'2002:5db8:d822::1', PUBLIC",
			"'::ffff:0:7f00:1', LOOPBACK", "'::ffff:0:a9fe:a9fe', LINK_LOCAL", "'::ffff:0:5db8:d822', PUBLIC",
			"'64:ff9b::c000:1', PROTOCOL", "'64:ff9b::c612:1', BENCHMARKING", "'64:ff9b::7f00:1', LOOPBACK",
			"'64:ff9b:1:7f00:0:100::', LOOPBACK", "'64:ff9b:1:a9fe:a9:fe00::', LINK_LOCAL",
			"'64:ff9b:1::a9fe:a9fe', LINK_LOCAL", "'64:ff9b:1:5db8:d8:2200::', RESERVED",
			"'64:ff9b:1::5db8:d822', RESERVED" })
	void classifiesIpv6ThatCarriesIpv4ByTheIpv4ItReaches(String literal, AddressKind kind) throws UnknownHostException {
		assertThat(AddressKind.of(InetAddress.getByName(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "Teredo server {0}, client {1} is {2}")
	@CsvSource({ "65.54.227.120, 127.0.0.1, LOOPBACK", "65.54.227.120, 169.254.169.254, LINK_LOCAL",
			"65.54.227.120, 10.0.0.1, PRIVATE", "127.0.0.1, 93.184.216.34, LOOPBACK",
			"192.168.0.1, 93.184.216.34, PRIVATE", "65.54.227.120, 93.184.216.34, PUBLIC" })
	void classifiesTeredoByItsServerAndClient(String server, String client, AddressKind kind)
			throws UnknownHostException {
		byte[] teredo = new byte[16];
		teredo[0] = 0x20;
		teredo[1] = 0x01;
		System.arraycopy(InetAddress.getByName(server).getAddress(), 0, teredo, 4, 4);
		byte[] clientBytes = InetAddress.getByName(client).getAddress();
		for (int i = 0; i < 4; i++) {
			// RFC 4380: the client's address is stored with every bit inverted.
			teredo[12 + i] = (byte) ~clientBytes[i];
		}
		teredo[10] = (byte) 0xFF;
		teredo[11] = (byte) 0xFF;
		assertThat(AddressKind.of(Inet6Address.getByAddress(null, teredo, -1))).isEqualTo(kind);
	}

	@Test
	void mappedLiteralsParsedByTheJdkAreClassifiedToo() throws UnknownHostException {
		assertThat(AddressKind.of(InetAddress.getByName("::ffff:127.0.0.1"))).isEqualTo(AddressKind.LOOPBACK);
		assertThat(AddressKind.of(InetAddress.getByName("::ffff:a9fe:a9fe"))).isEqualTo(AddressKind.LINK_LOCAL);
	}

}
