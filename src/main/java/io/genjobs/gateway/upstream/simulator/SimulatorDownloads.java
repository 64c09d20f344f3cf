package io.genjobs.gateway.upstream.simulator;

import java.time.Instant;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.HttpHeaders;

import io.genjobs.gateway.upstream.simulator.SimulatedJob.Fate;
import io.genjobs.gateway.upstream.simulator.SimulatedJob.Phase;

/**
 * The files the simulator serves besides the API: the output video of each job that
 * succeeded (at the URL its result names) and the sample input image.
 */
final class SimulatorDownloads {

	static final String OUTPUTS_PATH = "/outputs/";

	// The smallest MP4 a player recognises as one: an 'ftyp' box and nothing else.
	private static final byte[] SAMPLE_VIDEO = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0, 'm',
			'p', '4', '2', 'i', 's', 'o', 'm' };

	private final SimulatorJobs jobs;

	SimulatorDownloads(SimulatorJobs jobs) {
		this.jobs = jobs;
	}

	/** Where the output of a succeeded job is served. */
	static String outputUrl(String baseUrl, String requestId) {
		return baseUrl + OUTPUTS_PATH + requestId + ".mp4";
	}

	/** Serves {@code /outputs/{file}}: a succeeded job's video, else a 404. */
	Mono<Void> output(String file, HttpServerResponse response) {
		String id = file.endsWith(".mp4") ? file.substring(0, file.length() - 4) : file;
		SimulatedJob job = this.jobs.find(id);
		if (job == null || job.phase(Instant.now()) != Phase.DONE || job.fate() != Fate.SUCCEED) {
			return SimulatorAnswer.error(404, RunComfySimulator.NO_SUCH_ENDPOINT, "No such output: " + file)
				.sendTo(response);
		}
		return send(response, "video/mp4", SAMPLE_VIDEO);
	}

	/** Serves {@value RunComfySimulator#SAMPLE_INPUT_PATH}. */
	Mono<Void> sampleInput(HttpServerResponse response) {
		return send(response, "image/jpeg", SampleImage.JPEG.get());
	}

	private static Mono<Void> send(HttpServerResponse response, String contentType, byte[] bytes) {
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

}
