package io.genjobs.gateway.upstream.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Runs the simulator as a process of its own, without the gateway, so that several
 * gateway instances (the chaos scripts in {@code bench/}) can share one RunComfy. Test
 * tooling, not part of the gateway:
 *
 * <pre>
 * java -cp target/runcomfy-gateway-*.jar \
 *     -Dloader.main=io.genjobs.gateway.upstream.simulator.RunComfySimulatorMain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     --port=8090 --token=t --queue-delay=1s --run-delay=1s --error-rate=0.3
 * </pre>
 *
 * Arguments are the {@code gateway.simulator.*} settings without the prefix, with the
 * same defaults and formats; an unknown one stops it. It prints {@code listening on
 * <base url>} once it answers and runs until it is killed.
 */
public final class RunComfySimulatorMain {

	private RunComfySimulatorMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		RunComfySimulator simulator = RunComfySimulator.start(settings(args));
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			simulator.stop();
			stopped.countDown();
		}));
		System.out.println("RunComfy simulator listening on " + simulator.baseUrl());
		stopped.await();
	}

	/** Binds {@code --name=value} arguments exactly as the gateway binds its settings. */
	static SimulatorSettings settings(String... args) {
		Map<String, String> properties = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Expected --name=value, not " + arg);
			}
			properties.put("gateway.simulator." + arg.substring(2, equals), arg.substring(equals + 1));
		}
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		// Unbound elements fail the bind: a misspelt fault rate must not pass as zero.
		BindResult<SimulatorSettings> bound = binder.bind("gateway.simulator", Bindable.of(SimulatorSettings.class),
				new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
		return bound.orElseGet(SimulatorSettings::defaults);
	}

}
