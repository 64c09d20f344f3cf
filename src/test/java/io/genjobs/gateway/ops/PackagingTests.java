package io.genjobs.gateway.ops;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

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

	private static final long MIB = 1024 * 1024;

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
		assertThat(this.shutdownPhase).isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void dockerfileBuildsWithTheWrapperAndRunsAsNonRootWithALivenessCheck() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		assertThat(dockerfile).contains("FROM eclipse-temurin:25-jdk AS build", "./mvnw", "FROM eclipse-temurin:25-jre",
				"-Djarmode=tools -jar app.jar extract --layers --destination", "USER 10001:10001",
				"EXPOSE " + this.serverPort + " " + this.managementPort, "MANAGEMENT_PORT=" + this.managementPort);
		String healthcheck = dockerfile.lines()
			.dropWhile((line) -> !line.startsWith("HEALTHCHECK"))
			.limit(2)
			.reduce("", String::concat);
		assertThat(healthcheck).contains("${MANAGEMENT_PORT}", "/actuator/health/liveness");
	}

	@Test
	void dockerfileTrainsTheAotCacheInTheFinalImageWithoutADatabaseAndStartsWithIt() throws IOException {
		List<String> lines = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ").lines().toList();
		assertThat(lines)
			.filteredOn((line) -> line.startsWith("RUN") && line.contains("./mvnw") && line.contains(" package "))
			.singleElement(STRING)
			.contains(" -Paot ");
		// Spring Boot's launcher would load the application's classes itself, out of the
		// JDK's cache.
		assertThat(String.join("\n", lines)).doesNotContain("--launcher", "JarLauncher");
		int finalStage = lines.indexOf("FROM eclipse-temurin:25-jre");
		int training = indexOf(lines, (line) -> line.startsWith("RUN java -XX:AOTCacheOutput=app.aot"));
		assertThat(training).as("trained in the final image").isGreaterThan(finalStage);
		assertThat(lines.get(training))
			.contains("-Dspring.aot.enabled=true", "-Dspring.context.exit=onRefresh", "-jar app.jar",
					"--gateway.startup.training=true", "&& test -s app.aot")
			.doesNotContain("DATABASE_URL");
		assertThat(indexOf(lines, (line) -> line.contains("JAVA_TOOL_OPTIONS=")))
			.as("trained with the JVM options it runs with")
			.isLessThan(training);
		assertThat(lastIndexOf(lines, (line) -> line.startsWith("COPY"))).as("no file changes after the training")
			.isLessThan(training);
		assertThat(lines).filteredOn((line) -> line.startsWith("ENTRYPOINT"))
			.singleElement(STRING)
			.isEqualTo(
					"ENTRYPOINT [\"java\", \"-XX:AOTCache=app.aot\", \"-Dspring.aot.enabled=true\", \"-jar\", \"app.jar\"]");
	}

	private static int indexOf(List<String> lines, Predicate<String> test) {
		for (int i = 0; i < lines.size(); i++) {
			if (test.test(lines.get(i))) {
				return i;
			}
		}
		return -1;
	}

	private static int lastIndexOf(List<String> lines, Predicate<String> test) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			if (test.test(lines.get(i))) {
				return i;
			}
		}
		return -1;
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
		// Two phases run one after the other: the work loops' drain, then the web
		// server's.
		assertThat(DurationStyle.detectAndParse(get(compose, "services.gateway.stop_grace_period")))
			.isGreaterThan(this.shutdownPhase.multipliedBy(2));
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
				"gateway.GATEWAY_ADMIN_TOKEN", "gateway.GATEWAY_SECRETS_KEY", "grafana.GF_SECURITY_ADMIN_PASSWORD");
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
				"GatewayHighServerErrorRatio", "GatewayTeamBudgetNearlyUsed", "GatewayTeamBudgetExhausted");
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
		// Budget use is read from the database by every replica: max, never sum.
		assertThat(expressions.get("GatewayTeamBudgetNearlyUsed"))
			.isEqualTo("max by (team) (gateway_budget_used_ratio) >= 0.9 < 1");
		assertThat(expressions.get("GatewayTeamBudgetExhausted"))
			.isEqualTo("max by (team) (gateway_budget_used_ratio) >= 1");
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
		List<String> preStop = get(container, "lifecycle.preStop.exec.command");
		long preStopSeconds = Long.parseLong(preStop.get(preStop.size() - 1));
		assertThat(Duration.ofSeconds((Integer) pod.get("terminationGracePeriodSeconds")))
			.isGreaterThan(this.shutdownPhase.multipliedBy(2).plusSeconds(preStopSeconds));
		List<Map<String, Object>> env = ((List<Map<String, Object>>) container.get("env")).stream()
			.filter((variable) -> variable.containsKey("valueFrom"))
			.toList();
		assertThat(env).extracting((variable) -> variable.get("name"))
			.containsExactlyInAnyOrder("RUNCOMFY_API_TOKEN", "GATEWAY_ADMIN_TOKEN", "GATEWAY_SECRETS_KEY",
					"DATABASE_URL", "DATABASE_USERNAME", "DATABASE_PASSWORD");
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

	@Test
	void imageAndPodRunAsTheSameNumericNonRootUserOnAReadOnlyRootFilesystem() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		List<String> users = Pattern.compile("(?m)^USER (.*)$")
			.matcher(dockerfile)
			.results()
			.map((m) -> m.group(1))
			.toList();
		Matcher user = Pattern.compile("(\\d+):(\\d+)").matcher(users.get(users.size() - 1));
		assertThat(user.matches()).as("the image's last USER is numeric uid:gid").isTrue();
		int uid = Integer.parseInt(user.group(1));
		int gid = Integer.parseInt(user.group(2));
		assertThat(uid).isPositive();
		assertThat(gid).isPositive();
		assertThat(dockerfile)
			.contains("groupadd --system --gid " + gid, "useradd --system --uid " + uid + " --gid " + gid)
			.doesNotContain("--chown");
		Map<String, Object> pod = get(yaml("ops/k8s/deployment.yaml"), "spec.template.spec");
		assertThat(pod).containsEntry("automountServiceAccountToken", false);
		assertThat((Map<String, Object>) pod.get("securityContext")).containsEntry("runAsNonRoot", true)
			.containsEntry("runAsUser", uid)
			.containsEntry("runAsGroup", gid)
			.containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
		Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
		assertThat((Map<String, Object>) container.get("securityContext")).containsEntry("runAsNonRoot", true)
			.containsEntry("runAsUser", uid)
			.containsEntry("runAsGroup", gid)
			.containsEntry("allowPrivilegeEscalation", false)
			.containsEntry("readOnlyRootFilesystem", true)
			.containsEntry("capabilities", Map.of("drop", List.of("ALL")))
			.containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
		// What the JVM and Netty write goes to /tmp, an emptyDir.
		Map<String, Object> tmp = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
			.filter((mount) -> mount.get("mountPath").equals("/tmp"))
			.findFirst()
			.orElseThrow();
		assertThat((List<Map<String, Object>>) pod.get("volumes"))
			.anySatisfy((volume) -> assertThat(volume).containsEntry("name", tmp.get("name")).containsKey("emptyDir"));
	}

	/**
	 * Heap, metaspace, code cache, direct buffers, thread stacks and the JVM's own native
	 * memory (GC structures, symbols, CDS, JIT arenas; about 86 MiB measured with
	 * NativeMemoryTracking) add up to no more than the container's memory limit.
	 */
	@Test
	void heapAndOffHeapFitTheMemoryLimit() throws IOException {
		Map<String, Object> container = ((List<Map<String, Object>>) get(yaml("ops/k8s/deployment.yaml"),
				"spec.template.spec.containers"))
			.get(0);
		String options = ((List<Map<String, Object>>) container.get("env")).stream()
			.filter((variable) -> variable.get("name").equals("JAVA_TOOL_OPTIONS"))
			.map((variable) -> ((String) variable.get("value")).strip())
			.findFirst()
			.orElseThrow();
		long heap = jvmSize(options, "-Xmx");
		long metaspace = jvmSize(options, "-XX:MaxMetaspaceSize=");
		long codeCache = jvmSize(options, "-XX:ReservedCodeCacheSize=");
		long direct = jvmSize(options, "-XX:MaxDirectMemorySize=");
		long stack = jvmSize(options, "-Xss");
		// Platform threads only (virtual threads' stacks live on the heap): 27 live with
		// ActiveProcessorCount=2, which keeps them that few on any node.
		assertThat(options).contains("-XX:ActiveProcessorCount=2").doesNotContain("RAMPercentage");
		long threads = 64 * stack;
		long jvmNative = 128 * MIB;
		long limit = kubernetesQuantity((String) get(container, "resources.limits.memory"));
		assertThat(heap + metaspace + codeCache + direct + threads + jvmNative).as("bytes the JVM may use")
			.isLessThanOrEqualTo(limit);
		assertThat(heap).as("heap").isGreaterThanOrEqualTo(256 * MIB);
		assertThat(kubernetesQuantity((String) get(container, "resources.requests.memory"))).isEqualTo(limit);
		// The image's default is the same, so `docker run --memory 1g` fits too.
		Matcher dockerfile = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"")
			.matcher(Files.readString(Path.of("Dockerfile")));
		assertThat(dockerfile.find()).isTrue();
		assertThat(dockerfile.group(1)).isEqualTo(options.replaceAll("\\s+", " "));
	}

	@Test
	void theAutoscalerAloneSetsTheReplicaCount() {
		Map<String, Object> deployment = yaml("ops/k8s/deployment.yaml");
		assertThat((Map<String, Object>) deployment.get("spec")).doesNotContainKey("replicas");
		Map<String, Object> hpa = yaml("ops/k8s/hpa.yaml");
		int minReplicas = get(hpa, "spec.minReplicas");
		assertThat(minReplicas).isGreaterThan(1);
		assertThat((Integer) get(hpa, "spec.maxReplicas")).isGreaterThanOrEqualTo(minReplicas);
		assertThat((Integer) get(yaml("ops/k8s/pdb.yaml"), "spec.maxUnavailable")).isLessThan(minReplicas);
	}

	/**
	 * At the autoscaler's maximum, during a rollout (maxSurge more pods), every pod's
	 * pool and its connections outside the pool fit PostgreSQL's max_connections less a
	 * reserve, both stated in the ConfigMap.
	 */
	@Test
	void theConnectionBudgetFitsPostgresqlAtTheAutoscalerMaximum() {
		assertThat(String.valueOf((Object) get(this.application, "spring.datasource.hikari.maximum-pool-size")))
			.startsWith("${DATABASE_POOL_SIZE:");
		Map<String, Object> config = yaml("ops/k8s/configmap.yaml");
		Map<String, String> annotations = get(config, "metadata.annotations");
		int maxConnections = Integer.parseInt(annotations.get("gateway.genjobs.io/postgres-max-connections"));
		int reserved = Integer.parseInt(annotations.get("gateway.genjobs.io/postgres-reserved-connections"));
		int outsidePool = Integer.parseInt(annotations.get("gateway.genjobs.io/connections-outside-pool-per-pod"));
		assertThat(outsidePool).as("the key cache listener and an event listener").isGreaterThanOrEqualTo(2);
		assertThat(reserved).isGreaterThanOrEqualTo(3);
		int pool = Integer.parseInt(get(config, "data.DATABASE_POOL_SIZE"));
		int maxReplicas = get(yaml("ops/k8s/hpa.yaml"), "spec.maxReplicas");
		int maxSurge = get(yaml("ops/k8s/deployment.yaml"), "spec.strategy.rollingUpdate.maxSurge");
		assertThat((maxReplicas + maxSurge) * (pool + outsidePool)).as("connections at the HPA maximum")
			.isLessThanOrEqualTo(maxConnections - reserved);
		assertThat(pool).isGreaterThanOrEqualTo(4);
	}

	@Test
	void networkPolicyOpensActuatorToMonitoringOnlyAndNeverReachesTheMetadataService() {
		Map<String, Object> policy = yaml("ops/k8s/networkpolicy.yaml");
		assertThat((Map<String, Object>) get(policy, "spec.podSelector.matchLabels"))
			.isEqualTo(get(yaml("ops/k8s/deployment.yaml"), "spec.template.metadata.labels"));
		assertThat((List<String>) get(policy, "spec.policyTypes")).containsExactlyInAnyOrder("Ingress", "Egress");
		List<Map<String, Object>> ingress = get(policy, "spec.ingress");
		Set<Object> openedPorts = new TreeSet<>(Comparator.comparing(String::valueOf));
		for (Map<String, Object> rule : ingress) {
			List<Map<String, Object>> ports = (List<Map<String, Object>>) rule.get("ports");
			assertThat(ports).as("an ingress rule without ports opens every port").isNotEmpty();
			assertThat((List<Object>) rule.get("from")).as("an ingress rule without from admits everyone").isNotEmpty();
			List<Object> names = ports.stream().map((port) -> port.get("port")).toList();
			openedPorts.addAll(names);
			if (names.contains("management") || names.contains(Integer.valueOf(this.managementPort))) {
				assertThat(names).containsOnly("management");
				assertThat((List<Object>) rule.get("from")).containsExactly(Map.of("namespaceSelector",
						Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring"))));
			}
		}
		assertThat(openedPorts).containsExactlyInAnyOrder("http", "management");
		List<Map<String, Object>> egress = get(policy, "spec.egress");
		List<Map<String, Object>> ipBlocks = new ArrayList<>();
		for (Map<String, Object> rule : egress) {
			List<Map<String, Object>> to = (List<Map<String, Object>>) rule.get("to");
			assertThat(to).as("an egress rule without to reaches every address").isNotEmpty();
			to.stream()
				.filter((peer) -> peer.containsKey("ipBlock"))
				.forEach((peer) -> ipBlocks.add(get(peer, "ipBlock")));
		}
		assertThat(egress).anySatisfy((rule) -> assertThat((List<Map<String, Object>>) rule.get("ports"))
			.contains(Map.of("port", 53, "protocol", "UDP"), Map.of("port", 53, "protocol", "TCP")));
		assertThat(egress).anySatisfy((rule) -> assertThat((List<Map<String, Object>>) rule.get("ports"))
			.contains(Map.of("port", 5432, "protocol", "TCP")));
		// The internet on any port: RunComfy, webhook consumers, image hosts.
		assertThat(egress).anySatisfy((rule) -> {
			assertThat(rule).doesNotContainKey("ports");
			assertThat((List<Map<String, Object>>) rule.get("to"))
				.anySatisfy((peer) -> assertThat((Map<String, Object>) get(peer, "ipBlock")).containsEntry("cidr",
						"0.0.0.0/0"));
		});
		// Every block that would reach the metadata service (or any link-local address)
		// cuts all of link-local out.
		for (Map<String, Object> block : ipBlocks) {
			String cidr = (String) block.get("cidr");
			List<String> except = (List<String>) block.getOrDefault("except", List.of());
			for (String linkLocal : List.of("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128")) {
				if (overlaps(cidr, linkLocal)) {
					assertThat(except).as(cidr + " except")
						.anySatisfy((cut) -> assertThat(covers(cut, linkLocal)).isTrue());
				}
			}
		}
		assertThat(ipBlocks).extracting((block) -> block.get("cidr")).contains("0.0.0.0/0", "::/0");
	}

	@Test
	void prometheusOperatorScrapesAndAlertsLikeThePlainPrometheus() throws IOException {
		Map<String, Object> deployment = yaml("ops/k8s/deployment.yaml");
		Map<String, Object> podLabels = get(deployment, "spec.template.metadata.labels");
		Map<String, Object> monitor = yaml("ops/k8s/podmonitor.yaml");
		assertThat(monitor).containsEntry("apiVersion", "monitoring.coreos.com/v1").containsEntry("kind", "PodMonitor");
		assertThat((Map<String, Object>) get(monitor, "spec.selector.matchLabels")).isEqualTo(podLabels);
		assertThat((List<Map<String, Object>>) get(monitor, "spec.podMetricsEndpoints")).singleElement()
			.satisfies((endpoint) -> assertThat(endpoint).containsEntry("port", "management")
				.containsEntry("path", "/actuator/prometheus"));
		// The job label the alerts select on: the pods' label named by jobLabel.
		String job = (String) ((List<Map<String, Object>>) get(yaml("ops/prometheus/prometheus.yml"), "scrape_configs"))
			.get(0)
			.get("job_name");
		assertThat(podLabels).containsEntry((String) get(monitor, "spec.jobLabel"), job);
		Map<String, Object> rule = yaml("ops/k8s/prometheusrule.yaml");
		assertThat(rule).containsEntry("apiVersion", "monitoring.coreos.com/v1")
			.containsEntry("kind", "PrometheusRule");
		assertThat((Object) get(rule, "spec.groups")).isEqualTo(yaml("ops/prometheus/alerts.yml").get("groups"));
		List<String> resources = get(yaml("ops/k8s/kustomization.yaml"), "resources");
		try (Stream<Path> files = Files.list(Path.of("ops/k8s"))) {
			assertThat(resources).containsExactlyInAnyOrderElementsOf(files.map((file) -> file.getFileName().toString())
				.filter((name) -> !name.equals("kustomization.yaml") && !name.equals("secret.example.yaml"))
				.toList());
		}
	}

	private static List<Map<String, Object>> alertRules() {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Map<String, Object> group : (List<Map<String, Object>>) yaml("ops/prometheus/alerts.yml").get("groups")) {
			rules.addAll((List<Map<String, Object>>) group.get("rules"));
		}
		return rules;
	}

	private static long jvmSize(String options, String flag) {
		Matcher matcher = Pattern.compile("(?:^|\\s)" + Pattern.quote(flag) + "(\\d+)([kKmMgG]?)(?:\\s|$)")
			.matcher(options);
		assertThat(matcher.find()).as(flag + " in " + options).isTrue();
		long value = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
			case "k" -> value * 1024;
			case "m" -> value * MIB;
			case "g" -> value * 1024 * MIB;
			default -> value;
		};
	}

	private static long kubernetesQuantity(String quantity) {
		Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi)").matcher(quantity);
		assertThat(matcher.matches()).as(quantity).isTrue();
		long value = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2)) {
			case "Ki" -> value * 1024;
			case "Mi" -> value * MIB;
			default -> value * 1024 * MIB;
		};
	}

	/** Whether CIDR block {@code outer} holds every address of {@code inner}. */
	private static boolean covers(String outer, String inner) {
		Block a = Block.of(outer);
		Block b = Block.of(inner);
		return a.bits() == b.bits() && a.prefix() <= b.prefix() && a.network().equals(b.masked(a.prefix()));
	}

	private static boolean overlaps(String first, String second) {
		return covers(first, second) || covers(second, first);
	}

	private record Block(BigInteger address, int prefix, int bits) {

		static Block of(String cidr) {
			String[] parts = cidr.split("/");
			byte[] bytes;
			try {
				// a literal: only its format is checked, nothing is looked up
				bytes = InetAddress.getByName(parts[0]).getAddress();
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException(cidr, ex);
			}
			return new Block(new BigInteger(1, bytes), Integer.parseInt(parts[1]), bytes.length * 8);
		}

		BigInteger masked(int length) {
			return this.address.shiftRight(this.bits - length).shiftLeft(this.bits - length);
		}

		BigInteger network() {
			return masked(this.prefix);
		}

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
