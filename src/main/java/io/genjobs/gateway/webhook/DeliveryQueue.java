package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The outbox tables' SQL, written out because delivery across instances rests on it:
 * writing events and deliveries, claiming due deliveries under a lease, and recording
 * what each attempt did. A statement that changes a delivery's state makes one
 * {@link DeliveryMove} and names its states from it, so it changes only a row in the
 * state the move starts from. Every statement runs in the caller's transaction.
 */
@Component
class DeliveryQueue {

	/**
	 * Key of the advisory lock that makes the claims of all instances take turns (a
	 * different key from the job dispatcher's).
	 */
	private static final long CLAIM_LOCK = 0x5768_6b43_6c61_696dL;

	private final JdbcClient jdbc;

	DeliveryQueue(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * An event; {@code jobId} and {@code sequence} are null for one that is not a job's
	 * (a budget event).
	 */
	void insertEvent(String id, UUID teamId, UUID jobId, String type, Integer sequence, byte[] payload, Instant at,
			String traceParent) {
		this.jdbc.sql("""
				insert into webhook_events (id, team_id, job_id, type, sequence, payload, created_at, trace_parent)
				values (:id, :teamId, :jobId, :type, :sequence, :payload, :at, :traceParent)
				""")
			.param("id", id)
			.param("teamId", teamId)
			.param("jobId", jobId)
			.param("type", type)
			.param("sequence", sequence)
			.param("payload", payload)
			.param("at", Timestamp.from(at))
			.param("traceParent", new SqlParameterValue(Types.VARCHAR, traceParent))
			.update();
	}

	/** A pending delivery, due at once ({@code jobId} null for a budget event's). */
	void insertDelivery(UUID id, String eventId, UUID teamId, UUID jobId, String type, UUID endpointId, String url,
			String targetHost, int attemptsAllowed, Instant now) {
		this.jdbc
			.sql(DeliveryState
				.inSql("""
						insert into webhook_deliveries (id, event_id, team_id, job_id, event_type, endpoint_id, url, target_host,
						                                status, attempts_allowed, next_attempt_at, created_at)
						values (:id, :eventId, :teamId, :jobId, :type, :endpointId, :url, :targetHost,
						        {pending}, :attemptsAllowed, :now, :now)
						"""))
			.param("id", id)
			.param("eventId", eventId)
			.param("teamId", teamId)
			.param("jobId", jobId)
			.param("type", type)
			.param("endpointId", endpointId)
			.param("url", url)
			.param("targetHost", targetHost)
			.param("attemptsAllowed", attemptsAllowed)
			.param("now", Timestamp.from(now))
			.update();
	}

	/**
	 * Claims up to {@code limit} due deliveries ({@link DeliveryMove#CLAIM}), each under
	 * a lease of its own until {@code now + lease}, counting the claim as an attempt.
	 * <p>
	 * Claims of all instances take turns: each first takes a cluster-wide advisory lock
	 * (until its transaction ends, a few milliseconds), so the attempts in flight it
	 * counts are all there are and the caps below hold for all instances together.
	 * <p>
	 * Fair between consumer hosts: {@code pairs} lists the (host, team) pairs with
	 * pending deliveries by a loose index scan of {@code webhook_deliveries_pending_idx}
	 * (one probe per pair, however deep its backlog); a host offers no more than
	 * {@code perHost} minus its attempts already in flight ({@code host_busy}, from the
	 * small {@code webhook_deliveries_leased_idx}). So a dead consumer with thousands of
	 * deliveries due takes at most {@code perHost} workers, and the rest go to everyone
	 * else.
	 * <p>
	 * Fair between teams: every candidate gets a turn, its team's attempts in flight
	 * ({@code team_busy}) plus its place in its team's queue, and a host's share and the
	 * claim go to the lowest turns first (oldest first among equal turns). Teams thus
	 * take slots round-robin, and a team with many attempts in flight comes after teams
	 * with few: a team with a backlog of thousands never holds back another team's
	 * handful for longer than one attempt takes.
	 * <p>
	 * The chosen rows are locked with {@code FOR UPDATE SKIP LOCKED}, and the lease
	 * condition is checked again on the locked row: a row a manual retry holds is
	 * skipped, never waited for and never claimed twice, so no attempt goes out twice. A
	 * lease that ran out (its worker died) makes the delivery claimable again: delivery
	 * is at least once.
	 */
	List<Claim> claim(int limit, int perHost, Duration lease, Instant now) {
		this.jdbc.sql("select pg_advisory_xact_lock(:key)").param("key", CLAIM_LOCK).query((rs, row) -> 1).list();
		return this.jdbc.sql(DeliveryMove.CLAIM.inSql("""
				with recursive pairs(host, team) as (
				    (select target_host, team_id from webhook_deliveries where status = {from}
				     order by target_host, team_id limit 1)
				    union all
				    select n.target_host, n.team_id from pairs p
				    cross join lateral (
				        select d.target_host, d.team_id from webhook_deliveries d
				        where d.status = {from} and (d.target_host, d.team_id) > (p.host, p.team)
				        order by d.target_host, d.team_id limit 1
				    ) n
				),
				leased as (
				    select target_host, team_id from webhook_deliveries
				    where status = {from} and lease_token is not null and lease_expires_at > :now
				),
				host_busy as (
				    select target_host as host, count(*) as in_flight from leased group by target_host
				),
				team_busy as (
				    select team_id as team, count(*) as in_flight from leased group by team_id
				),
				candidates as (
				    select c.id, c.next_attempt_at, p.host, p.team,
				           greatest(:perHost - coalesce(hb.in_flight, 0), 0) as host_free,
				           coalesce(tb.in_flight, 0) as team_in_flight,
				           row_number() over (partition by p.host, p.team order by c.next_attempt_at) as pair_turn
				    from pairs p
				    left join host_busy hb on hb.host = p.host
				    left join team_busy tb on tb.team = p.team
				    cross join lateral (
				        select d.id, d.next_attempt_at from webhook_deliveries d
				        where d.status = {from} and d.target_host = p.host and d.team_id = p.team
				          and d.next_attempt_at <= :now and (d.lease_token is null or d.lease_expires_at <= :now)
				        order by d.next_attempt_at
				        limit least(greatest(:perHost - coalesce(hb.in_flight, 0), 0), :limit)
				    ) c
				),
				host_shares as (
				    select id, next_attempt_at, team, team_in_flight, pair_turn from (
				        select candidates.*,
				               row_number() over (partition by host
				                                  order by team_in_flight + pair_turn, next_attempt_at) as host_turn
				        from candidates
				    ) ranked
				    where host_turn <= host_free
				),
				chosen as (
				    select id from (
				        select id, next_attempt_at,
				               team_in_flight + row_number() over (partition by team
				                                                   order by pair_turn, next_attempt_at) as turn
				        from host_shares
				    ) turns
				    order by turn, next_attempt_at
				    limit :limit
				),
				locked as (
				    select d.id from webhook_deliveries d join chosen using (id)
				    where d.status = {from} and (d.lease_token is null or d.lease_expires_at <= :now)
				    for update of d skip locked
				)
				update webhook_deliveries d
				set lease_token = gen_random_uuid(), lease_expires_at = :leaseUntil, attempt_count = d.attempt_count + 1
				from locked where d.id = locked.id
				returning d.id, d.lease_token, d.event_id, d.team_id, d.endpoint_id, d.url, d.attempt_count,
				          d.attempts_allowed
				"""))
			.param("now", Timestamp.from(now))
			.param("perHost", perHost)
			.param("limit", limit)
			.param("leaseUntil", Timestamp.from(now.plus(lease)))
			.query((rs, row) -> new Claim(rs.getObject("id", UUID.class), rs.getObject("lease_token", UUID.class),
					rs.getString("event_id"), rs.getObject("team_id", UUID.class),
					rs.getObject("endpoint_id", UUID.class), rs.getString("url"), rs.getInt("attempt_count"),
					rs.getInt("attempts_allowed")))
			.list();
	}

	/**
	 * When the event happened (its state change committed), for the delivery-lag metric.
	 */
	Instant eventCreatedAt(String eventId) {
		return this.jdbc.sql("select created_at from webhook_events where id = :id")
			.param("id", eventId)
			.query((rs, row) -> rs.getTimestamp("created_at").toInstant())
			.single();
	}

	/** The traceparent current when the event happened, or {@code null}. */
	String traceParent(String eventId) {
		return this.jdbc.sql("select trace_parent from webhook_events where id = :id")
			.param("id", eventId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	/** The exact bytes of an event, as stored when it happened. */
	byte[] payload(String eventId) {
		return this.jdbc.sql("select payload from webhook_events where id = :id")
			.param("id", eventId)
			.query((rs, row) -> rs.getBytes("payload"))
			.single();
	}

	/** Records an attempt (whoever made it: an attempt made is history). */
	void insertAttempt(UUID deliveryId, int number, Instant at, Integer statusCode, String error) {
		this.jdbc.sql("""
				insert into webhook_attempts (delivery_id, number, attempted_at, status_code, error)
				select :id, :number, :at, :statusCode, :error
				where exists (select 1 from webhook_deliveries where id = :id)
				on conflict do nothing
				""")
			.param("id", deliveryId)
			.param("number", number)
			.param("at", Timestamp.from(at))
			.param("statusCode", statusCode)
			.param("error", error)
			.update();
	}

	/**
	 * Ends the claim {@code token} with {@code move}, one that finishes the delivery
	 * (delivered, or failed for good). {@code false} when the claim had run out and
	 * someone else holds the delivery now.
	 */
	boolean finish(UUID deliveryId, UUID token, DeliveryMove move, Instant now) {
		Assert.isTrue(move.to().isFinished(), () -> move + " does not finish a delivery");
		return this.jdbc.sql(move.inSql("""
				update webhook_deliveries
				set status = {to}, next_attempt_at = null, finished_at = :now,
				    lease_token = null, lease_expires_at = null
				where id = :id and lease_token = :token and status = {from}
				""")).param("now", Timestamp.from(now)).param("id", deliveryId).param("token", token).update() == 1;
	}

	/**
	 * Ends the claim {@code token} with the delivery due again at {@code next}
	 * ({@link DeliveryMove#RESCHEDULE}).
	 */
	boolean reschedule(UUID deliveryId, UUID token, Instant next) {
		return this.jdbc.sql(DeliveryMove.RESCHEDULE.inSql("""
				update webhook_deliveries
				set next_attempt_at = :next, lease_token = null, lease_expires_at = null
				where id = :id and lease_token = :token and status = {from}
				""")).param("next", Timestamp.from(next)).param("id", deliveryId).param("token", token).update() == 1;
	}

	/**
	 * Hands a claim back unattempted (a stopping instance, {@link DeliveryMove#RELEASE}):
	 * due at once, for any instance.
	 */
	void release(UUID deliveryId, UUID token, Instant now) {
		this.jdbc.sql(DeliveryMove.RELEASE.inSql("""
				update webhook_deliveries
				set next_attempt_at = :now, lease_token = null, lease_expires_at = null,
				    attempt_count = attempt_count - 1
				where id = :id and lease_token = :token and status = {from}
				""")).param("now", Timestamp.from(now)).param("id", deliveryId).param("token", token).update();
	}

	/**
	 * Fails an endpoint's pending deliveries that no worker holds
	 * ({@link DeliveryMove#DROP}: the endpoint was disabled or deleted); one held right
	 * now fails when its attempt ends, because its endpoint is then disabled.
	 */
	void dropPendingOf(UUID endpointId, Instant now) {
		this.jdbc.sql(DeliveryMove.DROP.inSql("""
				update webhook_deliveries
				set status = {to}, next_attempt_at = null, finished_at = :now
				where endpoint_id = :id and status = {from}
				  and (lease_token is null or lease_expires_at <= :now)
				""")).param("now", Timestamp.from(now)).param("id", endpointId).update();
	}

	/**
	 * Locks one of the team's deliveries for a manual retry; empty when the team has no
	 * such delivery.
	 */
	Optional<RetryState> lockForRetry(UUID deliveryId, UUID teamId) {
		return this.jdbc.sql("""
				select status, endpoint_id from webhook_deliveries where id = :id and team_id = :teamId for update
				""")
			.param("id", deliveryId)
			.param("teamId", teamId)
			.query((rs, row) -> new RetryState(DeliveryState.fromValue(rs.getString("status")).orElseThrow(),
					rs.getObject("endpoint_id", UUID.class)))
			.optional();
	}

	/**
	 * Makes a manual retry's move ({@link DeliveryMove#byHand}). A failed delivery is
	 * pending again and due now, allowed one attempt more than it has made: one attempt,
	 * not a new schedule. A pending one is due now, unless a worker holds it, in which
	 * case the attempt under way is the retry.
	 */
	void retryByHand(UUID deliveryId, DeliveryMove move, Instant now) {
		String sql = switch (move) {
			case RETRY_FAILED -> """
					update webhook_deliveries
					set status = {to}, next_attempt_at = :now, finished_at = null,
					    attempts_allowed = attempt_count + 1, lease_token = null, lease_expires_at = null
					where id = :id and status = {from}
					""";
			case DUE_NOW -> """
					update webhook_deliveries set next_attempt_at = :now
					where id = :id and status = {from} and (lease_token is null or lease_expires_at <= :now)
					""";
			default -> throw new IllegalArgumentException(move + " is not a manual retry");
		};
		this.jdbc.sql(move.inSql(sql)).param("now", Timestamp.from(now)).param("id", deliveryId).update();
	}

	/** A delivery's state as a manual retry sees it. */
	record RetryState(DeliveryState status, UUID endpointId) {
	}

	/**
	 * A delivery this worker holds under {@code token}, for its {@code attempt}-th
	 * attempt of {@code attemptsAllowed}.
	 */
	record Claim(UUID deliveryId, UUID token, String eventId, UUID teamId, UUID endpointId, String url, int attempt,
			int attemptsAllowed) {

		boolean isLastAttempt() {
			return this.attempt >= this.attemptsAllowed;
		}

	}

}
