package io.genjobs.gateway.upstream;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * RunComfy's balance in health ({@code upstreamPayment}, in the readiness group):
 * {@code UP}, or {@value #STATUS} while RunComfy refuses submits for insufficient balance
 * ({@link PaymentPause}), with when that began and when the next job is tried. The status
 * answers HTTP 200, like the breaker's {@code CIRCUIT_OPEN}: the gateway still accepts
 * and queues jobs, so the instance stays in rotation; it ranks above {@code CIRCUIT_OPEN}
 * ({@code management.endpoint.health.status.order}) so that the readiness status itself
 * says so.
 */
@Component
class UpstreamPaymentHealthIndicator implements HealthIndicator {

	static final String STATUS = "UPSTREAM_PAYMENT_REQUIRED";

	private final PaymentPause pause;

	UpstreamPaymentHealthIndicator(PaymentPause pause) {
		this.pause = pause;
	}

	@Override
	public Health health() {
		PaymentPause.State state = this.pause.current();
		if (state == null) {
			return Health.up().build();
		}
		return Health.status(new Status(STATUS, "RunComfy refuses submits for insufficient balance"))
			.withDetail("since", state.since().toString())
			.withDetail("next_try_at", state.nextTryAt().toString())
			.withDetail("retry_interval", this.pause.retryInterval().toString())
			.build();
	}

}
