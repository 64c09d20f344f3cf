package io.genjobs.gateway.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A job's cost was booked in the ledger, published inside the booking transaction (the
 * job's terminal transition): listen after commit to count only what stayed booked.
 *
 * @param teamId the job's team
 * @param model the job's model
 * @param amountUsd what was booked
 * @param at when
 */
public record SpendBooked(UUID teamId, String model, BigDecimal amountUsd, Instant at) {
}
