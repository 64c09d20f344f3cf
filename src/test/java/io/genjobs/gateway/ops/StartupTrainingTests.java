package io.genjobs.gateway.ops;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.env.MockEnvironment;

import io.genjobs.gateway.GatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The AOT cache's training run (the Dockerfile's): the whole context is created with no
 * database reachable and the JVM exits 0. Runs the application in a JVM of its own, as
 * the Dockerfile does, because {@code spring.context.exit=onRefresh} halts the JVM.
 */
class StartupTrainingTests {

	@TempDir
	Path directory;

	@Test
	void trainingRunCreatesTheWholeContextWithoutADatabaseAndExitsZero() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Path log = this.directory.resolve("training.log");
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-Xshare:auto",
						"--enable-native-access=ALL-UNNAMED", "-Dspring.context.exit=onRefresh", "-cp",
						applicationClassPath(), GatewayApplication.class.getName(), "--gateway.startup.training=true",
						"--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + closedPort + "/none",
						"--gateway.runcomfy.api-token=training",
						"--gateway.secrets.key=" + Base64.getEncoder().encodeToString(key), "--server.port=0",
						"--management.server.port=0"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		boolean exited = process.waitFor(3, TimeUnit.MINUTES);
		if (!exited) {
			process.destroyForcibly();
		}
		String output = Files.readString(log);
		assertThat(exited).as(output).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output)
			.contains("Start-up training run: database migrations skipped", "Initialized JPA EntityManagerFactory")
			.doesNotContain("APPLICATION FAILED", "Connection to 127.0.0.1:" + closedPort + " refused");
	}

	@Test
	void trainingIsRefusedUnlessTheJvmExitsOnRefresh() {
		assertThat(System.getProperty("spring.context.exit")).isNull();
		assertThatIllegalStateException().isThrownBy(
				() -> StartupTraining.training(new MockEnvironment().withProperty(StartupTraining.PROPERTY, "true")))
			.withMessageContaining("-Dspring.context.exit=onRefresh");
		assertThat(StartupTraining.training(new MockEnvironment())).isFalse();
	}

	/** The main classes and libraries of this test run, without the test classes. */
	private static String applicationClassPath() throws IOException {
		String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		return Arrays.stream(path.split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
			.collect(Collectors.joining(File.pathSeparator));
	}

}
