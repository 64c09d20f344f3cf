package io.genjobs.gateway.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.SecuritySchemes;

/**
 * {@code POST /admin/secrets/re-encrypt}: the admin call that finishes a rotation of
 * {@code GATEWAY_SECRETS_KEY}. The team feature's authentication filter has checked the
 * admin token before a request gets here (it guards all of {@code /admin/**}).
 */
@RestController
@Tag(name = "admin")
@SecurityRequirement(name = SecuritySchemes.ADMIN_TOKEN)
@ApiResponse(responseCode = "403", description = "A team key used on /admin/** (`admin-access-denied`), "
		+ "or the admin API is off (`admin-api-disabled`)")
class SecretsAdminController {

	private final SecretKeyRotation rotation;

	SecretsAdminController(SecretKeyRotation rotation) {
		this.rotation = rotation;
	}

	@Operation(operationId = "reEncryptSecrets",
			summary = "Encrypt every stored secret under the current GATEWAY_SECRETS_KEY",
			description = "Values under a previous key (GATEWAY_SECRETS_PREVIOUS_KEYS) or in plain text are "
					+ "encrypted again under the current key; once `re_encrypted` and `undecryptable` are 0, "
					+ "the previous keys can be removed.")
	@ApiResponse(responseCode = "200", description = "What was done: counts of values by outcome")
	@PostMapping("/admin/secrets/re-encrypt")
	SecretsAtRest.ReEncryption reEncrypt() {
		return this.rotation.reEncrypt();
	}

}
