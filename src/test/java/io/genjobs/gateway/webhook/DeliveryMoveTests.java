package io.genjobs.gateway.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static io.genjobs.gateway.webhook.DeliveryMove.CLAIM;
import static io.genjobs.gateway.webhook.DeliveryMove.DELIVER;
import static io.genjobs.gateway.webhook.DeliveryMove.DISABLE;
import static io.genjobs.gateway.webhook.DeliveryMove.DROP;
import static io.genjobs.gateway.webhook.DeliveryMove.DUE_NOW;
import static io.genjobs.gateway.webhook.DeliveryMove.GIVE_UP;
import static io.genjobs.gateway.webhook.DeliveryMove.RELEASE;
import static io.genjobs.gateway.webhook.DeliveryMove.RESCHEDULE;
import static io.genjobs.gateway.webhook.DeliveryMove.RETRY_FAILED;
import static io.genjobs.gateway.webhook.DeliveryState.DELIVERED;
import static io.genjobs.gateway.webhook.DeliveryState.FAILED;
import static io.genjobs.gateway.webhook.DeliveryState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The delivery state machine's table and decisions, without a database. */
class DeliveryMoveTests {

	/** Every move: the state it is legal in and the state it leaves. */
	private static final Map<DeliveryMove, List<DeliveryState>> TABLE = Map.of(CLAIM, List.of(PENDING, PENDING),
			DELIVER, List.of(PENDING, DELIVERED), RESCHEDULE, List.of(PENDING, PENDING), GIVE_UP,
			List.of(PENDING, FAILED), DISABLE, List.of(PENDING, FAILED), DROP, List.of(PENDING, FAILED), RELEASE,
			List.of(PENDING, PENDING), RETRY_FAILED, List.of(FAILED, PENDING), DUE_NOW, List.of(PENDING, PENDING));

	@Test
	void everyMoveIsAllowedFromItsOneStateAndRefusedFromTheOthers() {
		assertThat(TABLE).containsOnlyKeys(DeliveryMove.values());
		for (DeliveryMove move : DeliveryMove.values()) {
			DeliveryState from = TABLE.get(move).get(0);
			assertThat(move.from()).as("%s from", move).isEqualTo(from);
			assertThat(move.to()).as("%s to", move).isEqualTo(TABLE.get(move).get(1));
			for (DeliveryState state : DeliveryState.values()) {
				assertThat(move.allowedFrom(state)).as("%s from %s", move, state).isEqualTo(state == from);
			}
		}
	}

	@Test
	void deliveredIsFinalAndFailedOnlyGoesBackToPendingByHand() {
		assertThat(movesFrom(DELIVERED)).isEmpty();
		assertThat(movesFrom(FAILED)).containsExactly(RETRY_FAILED);
		assertThat(movesFrom(PENDING)).containsExactlyInAnyOrder(CLAIM, DELIVER, RESCHEDULE, GIVE_UP, DISABLE, DROP,
				RELEASE, DUE_NOW);
		assertThat(DELIVERED.isFinished()).isTrue();
		assertThat(FAILED.isFinished()).isTrue();
		assertThat(PENDING.isFinished()).isFalse();
	}

	@Test
	void aMovesStatementNamesItsStatesAsLiterals() {
		assertThat(DELIVER.inSql("set status = {to} where status = {from}"))
			.isEqualTo("set status = 'delivered' where status = 'pending'");
		assertThat(RETRY_FAILED.inSql("set status = {to} where status = {from}"))
			.isEqualTo("set status = 'pending' where status = 'failed'");
		assertThat(DeliveryState.inSql("status <> {pending} or status in ({delivered}, {failed})"))
			.isEqualTo("status <> 'pending' or status in ('delivered', 'failed')");
	}

	@Test
	void statesAreTheOnesTheSchemaAllows() throws IOException {
		String schema = Files.readString(Path.of("db/migration/V3__webhooks.sql"));
		Matcher check = Pattern.compile("status\\s+text\\s+not null check \\(status in \\(([^)]*)\\)\\)")
			.matcher(schema);
		assertThat(check.find()).isTrue();
		assertThat(Arrays.stream(check.group(1).split(",")).map(String::strip).toList()).containsExactlyInAnyOrder(
				Arrays.stream(DeliveryState.values()).map(DeliveryState::literal).toArray(String[]::new));
		assertThat(DeliveryState.fromValue("failed")).contains(FAILED);
		assertThat(DeliveryState.fromValue("sent")).isEmpty();
		assertThat(DeliveryState.fromValue(null)).isEmpty();
	}

	@Test
	void anAttemptIsDeliveredOn2xxAndOtherwiseRetriedWhileAttemptsAreLeft() {
		assertThat(afterAttempt(answered(204), true, false, true)).isEqualTo(DELIVER);
		// A 2xx on the last attempt to an endpoint disabled meanwhile still counts.
		assertThat(afterAttempt(answered(200), true, true, false)).isEqualTo(DELIVER);
		assertThat(afterAttempt(answered(500), true, false, true)).isEqualTo(RESCHEDULE);
		assertThat(afterAttempt(noAnswer(), false, false, true)).isEqualTo(RESCHEDULE);
		assertThat(afterAttempt(answered(302), false, false, true)).isEqualTo(RESCHEDULE);
		assertThat(afterAttempt(answered(500), true, true, true)).isEqualTo(GIVE_UP);
		assertThat(afterAttempt(noAnswer(), false, true, true)).isEqualTo(GIVE_UP);
	}

	@Test
	void a410FromAnEndpointDisablesItButFromAJobsOwnUrlIsAnotherFailure() {
		assertThat(afterAttempt(answered(410), true, false, true)).isEqualTo(DISABLE);
		assertThat(afterAttempt(answered(410), true, true, true)).isEqualTo(DISABLE);
		assertThat(afterAttempt(answered(410), false, false, true)).isEqualTo(RESCHEDULE);
		assertThat(afterAttempt(answered(410), false, true, true)).isEqualTo(GIVE_UP);
	}

	@Test
	void anAttemptToAnEndpointDisabledMeanwhileGivesUpAndOnlyThenIsTheEndpointAsked() {
		assertThat(afterAttempt(answered(500), true, false, false)).isEqualTo(GIVE_UP);
		// A job's own URL has no endpoint to ask.
		assertThat(afterAttempt(answered(500), false, false, false)).isEqualTo(RESCHEDULE);
		AtomicBoolean asked = new AtomicBoolean();
		DeliveryMove.afterAttempt(answered(200), true, false, () -> asked.getAndSet(true));
		DeliveryMove.afterAttempt(answered(410), true, false, () -> asked.getAndSet(true));
		DeliveryMove.afterAttempt(answered(500), true, true, () -> asked.getAndSet(true));
		assertThat(asked).isFalse();
	}

	@Test
	void aManualRetryGivesAFailedDeliveryOneMoreAttemptAndMakesAPendingOneDueNow() {
		assertThat(DeliveryMove.byHand(FAILED, () -> true)).isEqualTo(RETRY_FAILED);
		assertThat(DeliveryMove.byHand(PENDING, () -> true)).isEqualTo(DUE_NOW);
	}

	@Test
	void aManualRetryIsRefusedForADeliveredDeliveryAndADisabledEndpoint() {
		assertThatExceptionOfType(DeliveryNotRetryableException.class)
			.isThrownBy(() -> DeliveryMove.byHand(DELIVERED, () -> true))
			.withMessageContaining("delivered already");
		assertThatExceptionOfType(DeliveryNotRetryableException.class)
			.isThrownBy(() -> DeliveryMove.byHand(FAILED, () -> false))
			.withMessageContaining("disabled");
		assertThatExceptionOfType(DeliveryNotRetryableException.class)
			.isThrownBy(() -> DeliveryMove.byHand(PENDING, () -> false))
			.withMessageContaining("disabled");
	}

	@Test
	void onlyMovesThatFinishADeliveryEndAClaimAsFinished() {
		DeliveryQueue queue = new DeliveryQueue(null);
		for (DeliveryMove move : EnumSet.of(CLAIM, RESCHEDULE, RELEASE, RETRY_FAILED, DUE_NOW)) {
			assertThatIllegalArgumentException().as("%s", move).isThrownBy(() -> queue.finish(null, null, move, null));
		}
	}

	private static Set<DeliveryMove> movesFrom(DeliveryState state) {
		Set<DeliveryMove> moves = EnumSet.noneOf(DeliveryMove.class);
		for (DeliveryMove move : DeliveryMove.values()) {
			if (move.allowedFrom(state)) {
				moves.add(move);
			}
		}
		return moves;
	}

	private static DeliveryMove afterAttempt(WebhookSender.Result result, boolean toEndpoint, boolean lastAttempt,
			boolean endpointEnabled) {
		return DeliveryMove.afterAttempt(result, toEndpoint, lastAttempt, () -> endpointEnabled);
	}

	private static WebhookSender.Result answered(int status) {
		return new WebhookSender.Result(status, (status < 300) ? null : "answered " + status,
				(status == 503) ? Duration.ofSeconds(1) : null);
	}

	private static WebhookSender.Result noAnswer() {
		return new WebhookSender.Result(null, "the connection was refused", null);
	}

}
