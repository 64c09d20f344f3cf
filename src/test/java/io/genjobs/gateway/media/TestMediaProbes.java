package io.genjobs.gateway.media;

import java.time.Duration;
import java.util.Arrays;

import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundSettings;

import org.springframework.util.unit.DataSize;

/**
 * Real {@link HttpMediaProbe}s for tests of other packages, allowed to reach loopback
 * ports.
 */
public final class TestMediaProbes {

	private TestMediaProbes() {
	}

	/** A probe with the default size caps (50 MB, 100 MB, 50 MB). */
	public static MediaProbe overLoopback(int... ports) {
		return overLoopback(DataSize.ofMegabytes(50), DataSize.ofMegabytes(100), DataSize.ofMegabytes(50), ports);
	}

	/** A probe with the given caps per kind (image, video, audio). */
	public static MediaProbe overLoopback(DataSize maxImage, DataSize maxVideo, DataSize maxAudio, int... ports) {
		OutboundGuard guard = new OutboundGuard(new OutboundSettings(
				Arrays.stream(ports).mapToObj((port) -> "127.0.0.1:" + port).toList(), 3, Duration.ofSeconds(2)));
		return new HttpMediaProbe(guard, new MediaSettings(Duration.ofSeconds(5), Duration.ofSeconds(60), 100,
				DataSize.ofMegabytes(16), maxImage, maxVideo, maxAudio));
	}

}
