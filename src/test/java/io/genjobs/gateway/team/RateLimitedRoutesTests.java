package io.genjobs.gateway.team;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.fuzz.RawHttp;
import io.genjobs.gateway.support.fuzz.RawHttp.Result;
import io.genjobs.gateway.support.fuzz.RawRequest;
import io.genjobs.gateway.support.fuzz.RawRequest.Framing;
import io.genjobs.gateway.support.fuzz.RawRequest.Header;

import static io.genjobs.gateway.support.fuzz.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-team limits hold for the route, however its path is spelt: every spelling that
 * reaches the handler of {@code POST /jobs} or {@code POST /jobs/{id}/cancel} counts
 * against the team's bucket, and a spelling that does not reach it answers 404. Requests
 * go over raw HTTP, so that each path is sent exactly as written.
 */
// The same context as AuthenticationTests, so the two share one application.
@IntegrationTest
@Import(WhoAmIConfiguration.class)
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=5")
class RateLimitedRoutesTests {

	// A limit of 1 per second lets at most 1 + (seconds the burst takes) through: a
	// burst of 20 that is not limited at all would need 19 s to look limited.
	private static final int SUBMIT_BURST = 20;

	// Cancels: 5 per second by default (gateway.teams.cancel-rate-limit-per-second).
	private static final int CANCEL_BURST = 60;

	private static final String BODY = "{\"input\": {\"prompt\": \"a cat\"}}";

	@Autowired
	TeamAdministration administration;

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/jobs", "/jobs;x", "/jobs;x=1;y", "/j%6Fbs", "/%6aobs", "/jobs%3Bx", "/jobs;", "/jobs/",
			"//jobs", "/jobs//", "/./jobs", "/x/../jobs", "/JOBS", "/Jobs", "/jobs%2F", "/jobs%2f;x", "/%2Fjobs",
			"/jobs%00", "/jobs%20", "/jobs?x=1", "/jobs;x?y=1", "/jobs#x" })
	void everySpellingOfPostJobsThatReachesTheHandlerCountsAgainstTheTeamsLimit(String path) {
		String key = keyOfNewTeam(1);
		List<Integer> statuses = burst("POST", path, key, BODY, SUBMIT_BURST);
		assertRoutedAndLimitedOrNotRouted(path, statuses);
	}

	@Test
	void aPathParameterOrAnEncodedLetterStillReachesPostJobsAndIsLimited() {
		for (String path : List.of("/jobs;x", "/j%6Fbs")) {
			assertThat(burst("POST", path, keyOfNewTeam(1), BODY, SUBMIT_BURST)).as(path).contains(429);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/jobs/{id}/cancel", "/jobs/{id}/cancel;x", "/jobs/{id};x/cancel", "/jobs;x/{id}/cancel",
			"/jobs/{id}/c%61ncel", "/jobs/{id}/cancel/", "/jobs//{id}/cancel", "/jobs/{id}//cancel",
			"/jobs/{id}/CANCEL", "/jobs/{id}%2Fcancel", "/jobs/{id}/cancel%3B" })
	void clientCancelsAreLimitedPerTeamWhateverTheSpelling(String template) {
		String key = keyOfNewTeam(1000);
		String path = template.replace("{id}", UUID.randomUUID().toString());
		List<Integer> statuses = burst("POST", path, key, null, CANCEL_BURST);
		assertRoutedAndLimitedOrNotRouted(path, statuses);
		if (template.equals("/jobs/{id}/cancel") || template.contains(";x") || template.contains("%61")) {
			assertThat(statuses).as(path).contains(429);
		}
	}

	@Test
	void theCancelLimitIsPerTeam() {
		String limited = keyOfNewTeam(1000);
		String path = "/jobs/" + UUID.randomUUID() + "/cancel";
		assertThat(burst("POST", path, limited, null, CANCEL_BURST)).contains(429);
		// The job does not exist: a cancel that passes the limit answers 404.
		assertThat(burst("POST", path, keyOfNewTeam(1000), null, 1)).containsExactly(404);
	}

	@Test
	void otherRoutesAreNotLimited() {
		String key = keyOfNewTeam(1);
		assertThat(burst("GET", "/jobs", key, null, SUBMIT_BURST)).containsOnly(200);
		assertThat(burst("GET", "/jobs;x", key, null, SUBMIT_BURST)).containsOnly(200);
		assertThat(burst("POST", "/jobs", key, BODY, 1)).doesNotContain(429);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/admin/teams", "/admin;x/teams", "/admin/teams;x", "/%61dmin/teams", "//admin/teams",
			"/admin//teams", "/ADMIN/teams", "/Admin/teams", "/admin%2Fteams", "/./admin/teams", "/x/../admin/teams" })
	void noSpellingOfAnAdminRouteOpensItToATeamKey(String path) {
		String key = keyOfNewTeam(1000);
		for (int status : burst("GET", path, key, null, 1)) {
			assertThat(status).as(path).isIn(403, 404);
		}
		for (int status : burst("POST", path, key, "{\"name\": \"" + UniqueTeams.uniqueName("spelt") + "\"}", 1)) {
			assertThat(status).as(path).isIn(403, 404);
		}
	}

	/**
	 * A spelling the router serves must have been limited (some 429); one it does not
	 * serve answers 404, or 405 when it is another route's path (or 400 when it is not a
	 * path at all), every time.
	 */
	private static void assertRoutedAndLimitedOrNotRouted(String path, List<Integer> statuses) {
		if (statuses.contains(429)) {
			return;
		}
		assertThat(statuses).as("%s was neither limited nor refused as an unknown route: %s", path, statuses)
			.allSatisfy((status) -> assertThat(status).isIn(400, 404, 405));
		assertThat(statuses).as("%s: an unknown route answers alike every time", path).containsOnly(statuses.get(0));
	}

	private String keyOfNewTeam(int rateLimitPerSecond) {
		TeamView team = UniqueTeams.create(this.administration, "spelt", rateLimitPerSecond);
		return this.administration.issueKey(team.id()).key();
	}

	private List<Integer> burst(String method, String path, String key, String body, int count) {
		List<Header> headers = new ArrayList<>(List.of(Header.of("Authorization", "Bearer " + key)));
		if (body != null) {
			headers.add(Header.of("Content-Type", "application/json"));
		}
		RawRequest request = new RawRequest("spelling", headers, (body != null) ? ascii(body) : new byte[0],
				(body != null) ? Framing.CONTENT_LENGTH : Framing.NONE, 0, null, false, false);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Result result = RawHttp.exchange(this.port, method, ascii(path), request);
			assertThat(result.response()).as("answer to %s %s: %s", method, path, result.error()).isNotNull();
			statuses.add(result.response().status());
		}
		return statuses;
	}

}
