package io.genjobs.gateway.webhook;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestTeamsWithKeys;

/**
 * {@link IntegrationTest} with webhook delivery on, on a short schedule: four attempts
 * 100 ms apart, each of at most 2 s, a worker that looks for work every 50 ms. Every
 * webhook test class uses exactly these settings, so they share one application context,
 * and one delivery worker takes every delivery the tests make.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@IntegrationTest
@Import({ TestTeamsWithKeys.class, WebhookTestSupport.class })
@TestPropertySource(properties = { "gateway.webhooks.enabled=true", "gateway.webhooks.retry-schedule=100ms,100ms,100ms",
		"gateway.webhooks.poll-interval=50ms", "gateway.webhooks.timeout=2s", "gateway.webhooks.lease=5s",
		"spring.datasource.hikari.maximum-pool-size=5" })
@interface WebhookIntegrationTest {

}
