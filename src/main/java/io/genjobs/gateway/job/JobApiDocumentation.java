package io.genjobs.gateway.job;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the OpenAPI document cannot learn from {@link JobView} by itself: the members the
 * job keeps as JSON text are sent as JSON values, so they are documented as such rather
 * than as strings. The operations are documented on {@link JobController}.
 */
@Configuration(proxyBeanMethods = false)
class JobApiDocumentation {

	@Bean
	OpenApiCustomizer jobSchema() {
		return JobApiDocumentation::describeJob;
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static void describeJob(OpenAPI openApi) {
		if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
			return;
		}
		Schema<?> job = openApi.getComponents().getSchemas().get(JobView.class.getSimpleName());
		if (job == null || job.getProperties() == null) {
			return;
		}
		Map<String, Schema> properties = job.getProperties();
		properties.computeIfPresent("input",
				(name, schema) -> new ObjectSchema().description("The model's input, defaults filled in"));
		properties.computeIfPresent("output", (name, schema) -> new ObjectSchema().description(
				"RunComfy's output object, whatever the model makes (image, images, video, videos, audio); null until succeeded"));
		properties.computeIfPresent("metadata",
				(name, schema) -> new ObjectSchema().description("The client's metadata, echoed back"));
		properties.computeIfPresent("webhook_events", (name, schema) -> new ArraySchema().items(eventTypes())
			.description("Events sent to webhook_url (default: the terminal ones)"));
		// What every job always has (never null): generated clients need no checks for
		// them. Not the two-word timestamps: typescript-fetch 7.x generates a type guard
		// for required snake_case members that strict TypeScript refuses.
		job.setRequired(List.of("id", "model", "status", "input", "upstream", "cost", "assets", "warnings", "priority",
				"attempts", "sequence"));
		Schema<?> upstream = openApi.getComponents().getSchemas().get(JobView.Upstream.class.getSimpleName());
		if (upstream != null && upstream.getProperties() != null) {
			upstream.getProperties()
				.computeIfPresent("output", (name, schema) -> new ObjectSchema()
					.description("RunComfy's own output, with RunComfy's URLs; null until RunComfy finished the job"));
		}
		job.setDescription("A generation job. `status`: queued → submitted → running → succeeded | failed | "
				+ "cancelled; terminal states never change, and `sequence` grows by one with every change.");
	}

	private static Schema<String> eventTypes() {
		StringSchema events = new StringSchema();
		events.setEnum(Arrays.stream(JobEventType.values()).map(JobEventType::wireName).toList());
		return events;
	}

}
