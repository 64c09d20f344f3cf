package io.genjobs.gateway.team;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeySecretsTests {

	@Test
	void shouldGenerateDistinctKeysOf32RandomBytes() {
		Set<String> keys = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String key = ApiKeySecrets.generate();
			assertThat(key).matches("rcg_[A-Za-z0-9_-]{43}");
			assertThat(ApiKeySecrets.isPlausible(key)).isTrue();
			keys.add(key);
		}
		assertThat(keys).hasSize(1000);
	}

	@Test
	void shouldHashWithSha256Hex() {
		// printf 'rcg_test' | sha256sum
		assertThat(ApiKeySecrets.hash("rcg_test"))
			.isEqualTo("93d30445415e50bc756a0e81552012067d0604e3f78e77999f0102f4fb7d013a");
	}

	@Test
	void shouldShowOnlyAShortPrefix() {
		String key = ApiKeySecrets.generate();

		assertThat(ApiKeySecrets.displayPrefix(key)).hasSize(12).startsWith("rcg_");
		assertThat(key).startsWith(ApiKeySecrets.displayPrefix(key));
	}

	@Test
	void shouldRefuseImplausibleKeysWithoutAQuery() {
		assertThat(ApiKeySecrets.isPlausible("rcg_short")).isFalse();
		assertThat(ApiKeySecrets.isPlausible("sk_live_AAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
		assertThat(ApiKeySecrets.isPlausible("rcg_AAAAAAAAAAAAAAAA/AAAAAAAA")).isFalse();
		assertThat(ApiKeySecrets.isPlausible("rcg_local_dev_key_do_not_use_in_production")).isTrue();
	}

}
