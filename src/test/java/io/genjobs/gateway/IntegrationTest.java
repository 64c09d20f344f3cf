package io.genjobs.gateway;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import io.genjobs.gateway.support.TestOutbound;

/**
 * The whole gateway over real HTTP on a random port, against this run's real PostgreSQL
 * ({@link TestDatabase}), with the {@code test} profile ({@code application-test.yaml}).
 * Test classes that use it without extra properties share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@Import({ TestDatabase.class, TestOutbound.class })
@ActiveProfiles("test")
public @interface IntegrationTest {

}
