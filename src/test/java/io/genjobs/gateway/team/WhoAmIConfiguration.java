package io.genjobs.gateway.team;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only route that needs a team, {@code GET /test/whoami}, answering with the
 * {@link TeamPrincipal} its controller was given: proof of both the authentication filter
 * and the argument resolver. Importing this class registers the nested controller;
 * component scanning never sees it (Spring Boot's test type filter excludes test
 * configurations and what they enclose).
 */
@TestConfiguration(proxyBeanMethods = false)
class WhoAmIConfiguration {

	@RestController
	static class WhoAmIController {

		@GetMapping("/test/whoami")
		TeamPrincipal whoAmI(TeamPrincipal team) {
			return team;
		}

	}

}
