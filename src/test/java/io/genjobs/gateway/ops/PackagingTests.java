package io.genjobs.gateway.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of the container and cluster packaging without Docker or a cluster:
 * every manifest parses, and the ports, probe paths and shutdown timing in the
 * Dockerfile, docker-compose.yml, the Prometheus config and the Kubernetes manifests
 * match the application's own settings.
 */
@SuppressWarnings("unchecked")
class PackagingTests {

	private static final Pattern PLACEHOLDER_DEFAULT = Pattern.compile("\\$\\{[A-Z_]+:([^}]*)}");

	/** Compose variables that carry a secret. */
	private static final Pattern SECRET_VARIABLE = Pattern.compile("PASSWORD|TOKEN|SECRET|_KEY$");

	/**
	 * {@code ${NAME:?message}}: taken from the environment, refused when unset, no
	 * default.
	 */
	private static final String REQUIRED_FROM_ENVIRONMENT = "\\$\\{[A-Z0-9_]+:\\?[^}]+}";

	private static final Pattern GATEWAY_METRIC = Pattern
		.compile("\\b((?:gateway|resilience4j|http_server)_[a-z0-9_]+)\\b");

	private final Map<String, Object> application = yaml("src/main/resources/application.yaml");

	private final String managementPort = resolve(get(this.application, "management.server.port"));

	private final String serverPort = resolve(get(this.application, "server.port"));

	private final Duration shutdownPhase = DurationStyle
		.detectAndParse(String.valueOf((Object) get(this.application, "spring.lifecycle.timeout-per-shutdown-phase")));

	@Test
	void everyManifestParses() throws IOException {
		try (Stream<Path> files = Files.walk(Path.of("ops"))) {
			List<Path> all = files.filter(Files::isRegularFile).toList();
			assertThat(all).isNotEmpty();
			for (Path file : all) {
				String name = file.getFileName().toString();
				if (name.endsWith(".yml") || name.endsWith(".yaml")) {
					assertThat(new Yaml().loadAll(Files.readString(file))).as(file.toString()).isNotEmpty();
				}
				else if (name.endsWith(".json")) {
					assertThat(JsonMapper.builder().build().readTree(file.toFile()).isObject()).as(file.toString())
						.isTrue();
				}
			}
		}
		assertThat(yaml("docker-compose.yml")).containsKey("services");
	}

	@Test
	void applicationSettingsAreWhatTheManifestsAssume() {
		assertThat(this.managementPort).isEqualTo("8081");
		assertThat(this.serverPort).isEqualTo("8080");
		assertThat((Map<String, Object>) get(this.application, "management.endpoint.health.group"))
			.containsKeys("liveness", "readiness");
		assertThat(this.shutdownPhase).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void dockerfileBuildsWithTheWrapperAndRunsAsNonRootWithALivenessCheck() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		assertThat(dockerfile).contains("FROM eclipse-temurin:25-jdk AS build", "./mvnw", "FROM eclipse-temurin:25-jre",
				"-Djarmode=tools -jar app.jar extract --layers --launcher", "USER gateway",
				"EXPOSE " + this.serverPort + " " + this.managementPort, "MANAGEMENT_PORT=" + this.managementPort,
				"org.springframework.boot.loader.launch.JarLauncher");
		String healthcheck = dockerfile.lines()
			.dropWhile((line) -> !line.startsWith("HEALTHCHECK"))
			.limit(2)
			.reduce("", String::concat);
		assertThat(healthcheck).contains("${MANAGEMENT_PORT}", "/actuator/health/liveness");
	}

	@Test
	void composeRunsTheGatewayWithTheSimulatorAndProbesItsManagementPort() {
		Map<String, Object> compose = yaml("docker-compose.yml");
		assertThat((Map<String, Object>) get(compose, "services")).containsKeys("postgres", "gateway", "prometheus",
				"grafana");
		Map<String, Object> environment = get(compose, "services.gateway.environment");
		assertThat(environment).containsEntry("GATEWAY_SIMULATOR_ENABLED", "true")
			.containsEntry("MANAGEMENT_PORT", this.managementPort)
			.containsEntry("PORT", this.serverPort);
		assertThat((List<String>) get(compose, "services.gateway.ports")).contains(
				"127.0.0.1:" + this.managementPort + ":" + this.managementPort,
				"127.0.0.1:" + this.serverPort + ":" + this.serverPort);
		assertThat(String.join(" ", (List<String>) get(compose, "services.gateway.healthcheck.test")))
			.contains("/dev/tcp/127.0.0.1/" + this.managementPort, "/actuator/health/readiness");
		assertThat(DurationStyle.detectAndParse(get(compose, "services.gateway.stop_grace_period")))
			.isGreaterThan(this.shutdownPhase);
		assertThat((List<String>) get(compose, "services.grafana.volumes")).contains(
				"./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
				"./ops/grafana/dashboards:/var/lib/grafana/dashboards:ro");
	}

	@Test
	void composePublishesOnLoopbackOnlyAndTakesEverySecretFromTheEnvironment() {
		Map<String, Map<String, Object>> services = get(yaml("docker-compose.yml"), "services");
		Set<String> secretsSeen = new TreeSet<>();
		services.forEach((name, service) -> {
			for (Object port : (List<Object>) service.getOrDefault("ports", List.of())) {
				assertThat(port).as(name + " publishes " + port).isInstanceOf(String.class);
				assertThat((String) port).as(name).startsWith("127.0.0.1:");
			}
			Map<String, Object> environment = (Map<String, Object>) service.getOrDefault("environment", Map.of());
			environment.forEach((variable, value) -> {
				if (SECRET_VARIABLE.matcher(variable).find()) {
					assertThat(String.valueOf(value)).as(name + " " + variable).matches(REQUIRED_FROM_ENVIRONMENT);
					secretsSeen.add(name + "." + variable);
				}
			});
		});
		assertThat(secretsSeen).contains("postgres.POSTGRES_PASSWORD", "gateway.DATABASE_PASSWORD",
				"gateway.GATEWAY_ADMIN_TOKEN", "grafana.GF_SECURITY_ADMIN_PASSWORD");
	}

	@Test
	void prometheusLoadsAlertRulesOnTheMetricsTheGatewayExports() throws IOException {
		Map<String, Object> prometheus = yaml("ops/prometheus/prometheus.yml");
		assertThat((List<String>) prometheus.get("rule_files")).containsExactly("alerts.yml");
		assertThat((List<String>) get(yaml("docker-compose.yml"), "services.prometheus.volumes"))
			.contains("./ops/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
		assertThat((List<String>) yaml("ops/prometheus/alerts.test.yml").get("rule_files"))
			.containsExactly("alerts.yml");
		String job = (String) ((List<Map<String, Object>>) get(prometheus, "scrape_configs")).get(0).get("job_name");
		Map<String, String> expressions = new TreeMap<>();
		for (Map<String, Object> rule : alertRules()) {
			String name = (String) rule.get("alert");
			assertThat((Map<String, Object>) rule.get("labels")).as(name).containsKey("severity");
			assertThat((Map<String, Object>) rule.get("annotations")).as(name).containsKeys("summary", "description");
			expressions.put(name, ((String) rule.get("expr")).replaceAll("\\s+", " ").strip());
		}
		assertThat(expressions).containsOnlyKeys("GatewayInstanceDown", "GatewayNoInstanceUp",
				"RunComfyCircuitBreakerOpen", "GatewayOldestQueuedJobTooOld", "GatewayWebhookDeliveriesFailed",
				"GatewayHighServerErrorRatio");
		assertThat(expressions.get("GatewayInstanceDown")).isEqualTo("up{job=\"" + job + "\"} == 0");
		assertThat(expressions.get("GatewayNoInstanceUp")).contains("absent(up{job=\"" + job + "\"} == 1)");
		assertThat(expressions.get("RunComfyCircuitBreakerOpen"))
			.contains("resilience4j_circuitbreaker_state{state=~\"open|forced_open\"}", "== 1");
		assertThat(expressions.get("GatewayOldestQueuedJobTooOld"))
			.contains("max(gateway_jobs_queued_oldest_age_seconds) >");
		assertThat(expressions.get("GatewayWebhookDeliveriesFailed"))
			.contains("increase(gateway_webhook_deliveries_total{outcome=\"failed\"}[");
		assertThat(expressions.get("GatewayHighServerErrorRatio")).contains(
				"http_server_requests_seconds_count{uri!~\"/actuator.*\", status=~\"5..\"}",
				"http_server_requests_seconds_count{uri!~\"/actuator.*\"}");
		// The dashboard's metrics are proven exported by DashboardMetricsTests; the
		// alerts
		// use no other.
		Set<String> alerted = new TreeSet<>();
		for (String expression : expressions.values()) {
			Matcher matcher = GATEWAY_METRIC.matcher(expression);
			while (matcher.find()) {
				alerted.add(matcher.group(1));
			}
		}
		assertThat(alerted).hasSizeGreaterThanOrEqualTo(4).isSubsetOf(DashboardMetricsTests.queriedMetrics());
	}

	@Test
	void prometheusScrapesTheManagementPort() {
		Map<String, Object> prometheus = yaml("ops/prometheus/prometheus.yml");
		Map<String, Object> job = ((List<Map<String, Object>>) get(prometheus, "scrape_configs")).get(0);
		assertThat(job).containsEntry("metrics_path", "/actuator/prometheus");
		List<Map<String, Object>> staticConfigs = (List<Map<String, Object>>) job.get("static_configs");
		assertThat((List<String>) staticConfigs.get(0).get("targets"))
			.containsExactly("gateway:" + this.managementPort);
	}

	@Test
	void grafanaDashboardUsesTheProvisionedDatasource() throws IOException {
		Map<String, Object> datasources = yaml("ops/grafana/provisioning/datasources/prometheus.yml");
		String uid = (String) ((List<Map<String, Object>>) datasources.get("datasources")).get(0).get("uid");
		JsonNode dashboard = JsonMapper.builder().build().readTree(Path.of(DashboardMetricsTests.DASHBOARD).toFile());
		for (JsonNode panel : dashboard.get("panels")) {
			if (!panel.get("type").stringValue().equals("row")) {
				assertThat(panel.at("/datasource/uid").stringValue()).as(panel.get("title").stringValue())
					.isEqualTo(uid);
				assertThat(panel.get("targets")).isNotEmpty();
			}
		}
	}

	@Test
	void kubernetesProbesUseTheHealthGroupsOnTheManagementPort() {
		Map<String, Object> deployment = yaml("ops/k8s/deployment.yaml");
		Map<String, Object> pod = get(deployment, "spec.template.spec");
		Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
		List<Map<String, Object>> ports = (List<Map<String, Object>>) container.get("ports");
		assertThat(ports).contains(Map.of("name", "management", "containerPort", Integer.valueOf(this.managementPort)),
				Map.of("name", "http", "containerPort", Integer.valueOf(this.serverPort)));
		assertThat((Map<String, Object>) get(container, "livenessProbe.httpGet"))
			.containsEntry("path", "/actuator/health/liveness")
			.containsEntry("port", "management");
		assertThat((Map<String, Object>) get(container, "startupProbe.httpGet"))
			.containsEntry("path", "/actuator/health/liveness")
			.containsEntry("port", "management");
		assertThat((Map<String, Object>) get(container, "readinessProbe.httpGet"))
			.containsEntry("path", "/actuator/health/readiness")
			.containsEntry("port", "management");
		assertThat((Integer) get(deployment, "spec.replicas")).isGreaterThan(1);
		List<String> preStop = get(container, "lifecycle.preStop.exec.command");
		long preStopSeconds = Long.parseLong(preStop.get(preStop.size() - 1));
		assertThat(Duration.ofSeconds((Integer) pod.get("terminationGracePeriodSeconds")))
			.isGreaterThan(this.shutdownPhase.plusSeconds(preStopSeconds));
		List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
		assertThat(env).extracting((variable) -> variable.get("name"))
			.containsExactlyInAnyOrder("RUNCOMFY_API_TOKEN", "GATEWAY_ADMIN_TOKEN", "DATABASE_URL", "DATABASE_USERNAME",
					"DATABASE_PASSWORD");
		assertThat(env)
			.allSatisfy((variable) -> assertThat((Map<String, Object>) get(variable, "valueFrom.secretKeyRef"))
				.containsEntry("name", "runcomfy-gateway-secrets")
				.containsEntry("key", variable.get("name")));
		Map<String, Object> config = yaml("ops/k8s/configmap.yaml");
		assertThat((Map<String, Object>) config.get("data")).containsEntry("MANAGEMENT_PORT", this.managementPort)
			.containsEntry("PORT", this.serverPort);
		Map<String, Object> service = yaml("ops/k8s/service.yaml");
		assertThat((List<Map<String, Object>>) get(service, "spec.ports")).singleElement()
			.satisfies((port) -> assertThat(port).containsEntry("targetPort", "http"));
		assertThat((Map<String, Object>) get(yaml("ops/k8s/hpa.yaml"), "spec.scaleTargetRef")).containsEntry("name",
				"runcomfy-gateway");
		assertThat((Map<String, Object>) get(yaml("ops/k8s/pdb.yaml"), "spec")).containsKey("maxUnavailable");
		assertThat((Map<String, Object>) get(deployment, "spec.template.metadata.annotations"))
			.containsEntry("prometheus.io/port", this.managementPort)
			.containsEntry("prometheus.io/path", "/actuator/prometheus");
	}

	private static List<Map<String, Object>> alertRules() {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Map<String, Object> group : (List<Map<String, Object>>) yaml("ops/prometheus/alerts.yml").get("groups")) {
			rules.addAll((List<Map<String, Object>>) group.get("rules"));
		}
		return rules;
	}

	private static Map<String, Object> yaml(String path) {
		try {
			return new Yaml().load(Files.readString(Path.of(path)));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> T get(Map<String, Object> map, String dottedPath) {
		Object current = map;
		for (String key : dottedPath.split("\\.(?![^\\[]*])")) {
			current = ((Map<String, Object>) current).get(key);
			if (current == null) {
				// keys that contain dots, such as "http.server.requests", are not looked
				// up here
				throw new AssertionError("No " + dottedPath + " (stopped at " + key + ")");
			}
		}
		return (T) current;
	}

	private static String resolve(Object value) {
		String text = String.valueOf(value);
		Matcher matcher = PLACEHOLDER_DEFAULT.matcher(text);
		return matcher.matches() ? matcher.group(1) : text;
	}

}
