package io.genjobs.gateway.catalog;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the model catalog comes from.
 *
 * @param locations Spring resource patterns of model files, each one model in RunComfy's
 * own schema format; operators add their own with, for example,
 * {@code file:/etc/gateway/models/*.json}
 * @param defaultModel the model a job gets when it names none; start-up fails when no
 * loaded file declares it
 */
@ConfigurationProperties("gateway.catalog")
@Validated
record CatalogSettings(@DefaultValue("classpath*:models/*.json") @NotEmpty List<@NotBlank String> locations,
		@DefaultValue(DEFAULT_MODEL) @NotBlank String defaultModel) {

	static final String DEFAULT_MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

}
