package io.genjobs.gateway.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Allow-lists this JVM's loopback test servers (and only those) for the gateway's
 * outbound guard; any other loopback address stays refused, which the guard's own tests
 * rely on.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestOutbound {

	@Bean
	DynamicPropertyRegistrar testServersAllowList() {
		return (registry) -> {
			registry.add("gateway.outbound.allowed-hosts[0]", TestImageServer::hostPort);
			registry.add("gateway.outbound.allowed-hosts[1]", TestWebhookConsumer::hostPort);
		};
	}

}
