package io.genjobs.gateway.upstream;

import java.net.InetAddress;
import java.util.UUID;

/**
 * This instance's name in leases: host, process id and a random suffix, so that a
 * restarted process never mistakes its predecessor's leases for its own.
 */
record InstanceId(String value) {

	static InstanceId generate() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "unknown-host";
		}
		// A random suffix, not common.Ids: a UUIDv7 begins with its
		// timestamp, so its first characters would be the same for a
		// process restarted within the minute (same host, same pid).
		return new InstanceId(
				host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8));
	}

}
