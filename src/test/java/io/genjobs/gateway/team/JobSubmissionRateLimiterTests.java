package io.genjobs.gateway.team;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.genjobs.gateway.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.genjobs.gateway.team.AuthenticationTests.bearer;
import static org.assertj.core.api.Assertions.assertThat;

// The same context as AuthenticationTests, so the two share one application.
@IntegrationTest
@Import(WhoAmIConfiguration.class)
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=5")
class JobSubmissionRateLimiterTests {

	// Enough that a limit of 2 per second must run out however slow this machine is: a
	// burst of this many would need 9 s to pass.
	private static final int BURST = 20;

	@Autowired
	WebTestClient client;

	@Autowired
	TeamAdministration administration;

	@Test
	void shouldAnswer429WithRetryAfterOnceTheTeamExceedsItsLimit() {
		String limited = keyOfNewTeam(2);
		String bystander = keyOfNewTeam(2);

		List<EntityExchangeResult<byte[]>> results = submitBurst(limited);

		// The bucket starts full: the first two requests always pass the limiter (and
		// then get whatever POST /jobs answers in this build).
		assertThat(results.subList(0, 2)).allSatisfy((result) -> assertThat(status(result)).isNotEqualTo(429));
		EntityExchangeResult<byte[]> rejected = results.stream()
			.filter((result) -> status(result) == 429)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no request of the burst was rate limited"));
		assertThat(rejected.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(Long.parseLong(rejected.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)))
			.isGreaterThanOrEqualTo(1);
		assertThat(new String(rejected.getResponseBodyContent()))
			.contains("\"type\":\"https://runcomfy-gateway.genjobs.io/problems/rate-limited\"");

		assertThat(status(submit(bystander))).isNotEqualTo(429);
	}

	@Test
	void shouldCountOnlyJobSubmissions() {
		String key = keyOfNewTeam(1);

		for (int i = 0; i < BURST; i++) {
			this.client.get()
				.uri("/jobs")
				.headers(bearer(key))
				.exchange()
				.expectStatus()
				.value((status) -> assertThat(status).isNotEqualTo(429));
		}
		assertThat(status(submit(key))).isNotEqualTo(429);
	}

	@Test
	void shouldApplyANewLimitFromTheNextRequestOn() {
		TeamView team = UniqueTeams.create(this.administration, "raised", 1);
		String key = this.administration.issueKey(team.id()).key();
		assertThat(submitBurst(key)).anySatisfy((result) -> assertThat(status(result)).isEqualTo(429));

		this.administration.update(team.id(), null, 10_000, null);

		assertThat(submitBurst(key)).allSatisfy((result) -> assertThat(status(result)).isNotEqualTo(429));
	}

	@Test
	void shouldRoundRetryAfterUpToWholeSeconds() {
		assertThat(TeamRateLimiter.retryAfterSeconds(0)).isEqualTo(1);
		assertThat(TeamRateLimiter.retryAfterSeconds(1)).isEqualTo(1);
		assertThat(TeamRateLimiter.retryAfterSeconds(1_000_000_000)).isEqualTo(1);
		assertThat(TeamRateLimiter.retryAfterSeconds(1_000_000_001)).isEqualTo(2);
		assertThat(TeamRateLimiter.retryAfterSeconds(2_500_000_000L)).isEqualTo(3);
	}

	private String keyOfNewTeam(int rateLimitPerSecond) {
		TeamView team = UniqueTeams.create(this.administration, "limited", rateLimitPerSecond);
		return this.administration.issueKey(team.id()).key();
	}

	private List<EntityExchangeResult<byte[]>> submitBurst(String key) {
		List<EntityExchangeResult<byte[]>> results = new ArrayList<>();
		for (int i = 0; i < BURST; i++) {
			results.add(submit(key));
		}
		return results;
	}

	private EntityExchangeResult<byte[]> submit(String key) {
		return this.client.post()
			.uri("/jobs")
			.headers(bearer(key))
			.bodyValue(Map.of("input", Map.of("prompt", "a cat")))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static int status(EntityExchangeResult<?> result) {
		return result.getStatus().value();
	}

}
