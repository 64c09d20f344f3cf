package io.genjobs.gateway.team;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class DevelopmentSeedTests {

	@Test
	void shouldRefuseToStartWithTheSeedKeyOutsideTheLocalProfile() {
		MockEnvironment production = new MockEnvironment();
		production.setActiveProfiles("prod");

		assertThatIllegalStateException()
			.isThrownBy(() -> new DevelopmentSeed(new DevSettings("local-dev", "rcg_local_dev_key_do_not_use"),
					production, null))
			.withMessageContaining("gateway.dev.seed-key")
			.withMessageNotContaining("rcg_local_dev_key_do_not_use");
		assertThatIllegalStateException()
			.isThrownBy(() -> new DevelopmentSeed(new DevSettings(null, "rcg_local_dev_key_do_not_use"),
					new MockEnvironment(), null));
	}

	@Test
	void shouldStartWithTheSeedKeyInTheLocalProfileOrWithoutOne() {
		MockEnvironment local = new MockEnvironment();
		local.setActiveProfiles("local");

		assertThatNoException().isThrownBy(
				() -> new DevelopmentSeed(new DevSettings("local-dev", "rcg_local_dev_key_do_not_use"), local, null));
		assertThatNoException()
			.isThrownBy(() -> new DevelopmentSeed(new DevSettings(null, null), new MockEnvironment(), null));
		assertThatNoException()
			.isThrownBy(() -> new DevelopmentSeed(new DevSettings("local-dev", ""), new MockEnvironment(), null));
	}

}
