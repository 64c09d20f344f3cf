package io.genjobs.gateway.team;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class AdminTokenPolicyTests {

	private static final String GOOD = "q3X9vJ2mL7pR4tW8yB1nC6fH0kD5sG2a";

	@Test
	void outsideLocalAndTestAShortTokenStopsStartUpWithoutShowingIt() {
		for (String profile : List.of("prod", "default", "")) {
			assertThatIllegalStateException()
				.isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings("s3cr3t-but-short"), environment(profile)))
				.withMessageContaining("gateway.admin-token")
				.withMessageContaining("at least 32")
				.withMessageNotContaining("s3cr3t-but-short");
		}
		assertThatIllegalStateException()
			.isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings(GOOD.substring(1)), environment("prod")));
	}

	@Test
	void outsideLocalAndTestAPlaceholderStopsStartUpWhateverItsLength() {
		for (String placeholder : List.of("replace-me", "changeme", "CHANGE_ME", "local-admin-token",
				"test-admin-token", "check-admin-token-of-at-least-32-chars", "x".repeat(40), "ab".repeat(20))) {
			assertThatIllegalStateException()
				.isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings(placeholder), environment("prod")))
				.as(placeholder)
				.withMessageContaining("placeholder");
		}
	}

	@Test
	void aLongRandomTokenNoTokenAndTheLocalAndTestProfilesPass() {
		assertThatNoException().isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings(GOOD), environment("prod")));
		assertThatNoException().isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings(null), environment("prod")));
		assertThatNoException().isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings(" "), environment("prod")));
		assertThatNoException()
			.isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings("local-admin-token"), environment("local")));
		assertThatNoException()
			.isThrownBy(() -> AdminTokenPolicy.check(new AdminSettings("test-admin-token"), environment("test")));
	}

	private static MockEnvironment environment(String profile) {
		MockEnvironment environment = new MockEnvironment();
		if (!profile.isEmpty()) {
			environment.setActiveProfiles(profile);
		}
		return environment;
	}

}
