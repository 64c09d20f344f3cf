package io.genjobs.gateway.upstream;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * An OTLP/HTTP trace receiver on loopback: decodes each {@code POST /v1/traces}
 * (protobuf) and keeps the spans.
 */
final class OtlpReceiver implements AutoCloseable {

	private final MockWebServer server = new MockWebServer();

	private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

	/** One span as exported: hex ids, its name and kind. */
	record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, Span.SpanKind kind,
			long startNanos) {

	}

	static OtlpReceiver start() {
		OtlpReceiver receiver = new OtlpReceiver();
		receiver.server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return receiver.receive(request);
			}
		});
		try {
			receiver.server.start(InetAddress.getByName("127.0.0.1"), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return receiver;
	}

	String tracesUrl() {
		return "http://127.0.0.1:" + this.server.getPort() + "/v1/traces";
	}

	List<ReceivedSpan> spans() {
		return List.copyOf(this.spans);
	}

	List<ReceivedSpan> spansOf(String traceId) {
		return this.spans.stream().filter((span) -> span.traceId().equals(traceId)).toList();
	}

	private MockResponse receive(RecordedRequest request) {
		if (!"POST".equals(request.getMethod()) || !request.getUrl().encodedPath().equals("/v1/traces")
				|| request.getBody() == null) {
			return new MockResponse.Builder().code(404).build();
		}
		try {
			ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(request.getBody().toByteArray());
			HexFormat hex = HexFormat.of();
			for (ResourceSpans resource : export.getResourceSpansList()) {
				for (ScopeSpans scope : resource.getScopeSpansList()) {
					for (Span span : scope.getSpansList()) {
						this.spans.add(new ReceivedSpan(hex.formatHex(span.getTraceId().toByteArray()),
								hex.formatHex(span.getSpanId().toByteArray()),
								hex.formatHex(span.getParentSpanId().toByteArray()), span.getName(), span.getKind(),
								span.getStartTimeUnixNano()));
					}
				}
			}
		}
		catch (InvalidProtocolBufferException ex) {
			return new MockResponse.Builder().code(400).build();
		}
		return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/x-protobuf").build();
	}

	@Override
	public void close() {
		this.server.close();
	}

}
