package io.genjobs.gateway.team;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.persistence.ChannelListener;

/**
 * Teams of recently used API keys (by key hash), so that a request with a known key costs
 * no database round trip.
 * <p>
 * Revoking a key or changing a team sends a PostgreSQL {@code NOTIFY} on
 * {@value #CHANNEL} in the transaction that makes the change; every instance listens on a
 * connection of its own and empties its cache when the notification arrives, which is
 * milliseconds after the change commits (and at once on the instance that made it). The
 * cache is trusted only while that connection is listening: before it is established, and
 * from the moment it fails until it is back, every key is read from the database as if
 * there were no cache. A look-up that raced with an invalidation is not kept. Entries
 * also expire after {@code gateway.teams.key-cache-ttl}, which bounds how long a change
 * made behind the gateway's back (by SQL, without the notification) goes unseen; a TTL of
 * zero turns the cache off.
 * <p>
 * The listener is a {@link ChannelListener}: one connection of its own, reconnecting with
 * a back-off.
 */
@Component
class KeyCache extends ChannelListener {

	static final String CHANNEL = "gateway_auth_changed";

	/** How the listening connection shows in {@code pg_stat_activity}. */
	static final String APPLICATION_NAME = "runcomfy-gateway key-cache listener";

	private static final Log logger = LogFactory.getLog(KeyCache.class);

	private final Cache<String, KeyOwner> principals;

	/**
	 * Hashes of keys that authenticated nothing, briefly: a client repeating a wrong key
	 * costs no database read. A key never becomes valid by itself (new keys are random),
	 * so this holds whether or not the change listener is up; it is emptied with the
	 * rest.
	 */
	private final Cache<String, Boolean> unknown;

	/** Bumped by every invalidation; a look-up that saw another value is not kept. */
	private final AtomicLong generation = new AtomicLong();

	KeyCache(DataSource dataSource, TeamSettings settings) {
		super("key-cache-listener", dataSource, CHANNEL, APPLICATION_NAME);
		Duration ttl = settings.keyCacheTtl();
		this.principals = ttl.isPositive() ? Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build()
				: null;
		Duration unknownTtl = settings.unknownKeyCacheTtl();
		this.unknown = unknownTtl.isPositive()
				? Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(unknownTtl).build() : null;
	}

	/** The team of a key hash, if cached and the cache can be trusted now. */
	KeyOwner get(String keyHash) {
		return (this.principals != null && isListening()) ? this.principals.getIfPresent(keyHash) : null;
	}

	/** Whether the key hash authenticated nothing a moment ago. */
	boolean isUnknown(String keyHash) {
		return this.unknown != null && this.unknown.getIfPresent(keyHash) != null;
	}

	/**
	 * Remembers that a database read found no active key for the hash, unless the cache
	 * was invalidated since {@code readAt}.
	 */
	void putUnknown(String keyHash, long readAt) {
		if (this.unknown == null || this.generation.get() != readAt) {
			return;
		}
		this.unknown.put(keyHash, Boolean.TRUE);
		if (this.generation.get() != readAt) {
			this.unknown.invalidate(keyHash);
		}
	}

	/** To be taken before reading a key from the database and handed to {@link #put}. */
	long generation() {
		return this.generation.get();
	}

	/**
	 * Keeps what a database read found, unless the cache was invalidated since
	 * {@code readAt} (the read may have seen the state from before the change).
	 */
	void put(String keyHash, KeyOwner principal, long readAt) {
		if (this.principals == null || !isListening() || this.generation.get() != readAt) {
			return;
		}
		this.principals.put(keyHash, principal);
		// An invalidation between the check above and the put must not be outlived.
		if (!isListening() || this.generation.get() != readAt) {
			this.principals.invalidate(keyHash);
		}
	}

	/** Forgets every key: a key was revoked or a team changed. */
	void invalidateAll() {
		this.generation.incrementAndGet();
		if (this.principals != null) {
			this.principals.invalidateAll();
		}
		if (this.unknown != null) {
			this.unknown.invalidateAll();
		}
	}

	@Override
	protected boolean enabled() {
		return this.principals != null;
	}

	/** Whatever changed while nobody listened is forgotten. */
	@Override
	protected void subscribed() {
		invalidateAll();
		logger.info("API key cache on: listening for key and team changes");
	}

	@Override
	protected void notified(String payload) {
		invalidateAll();
	}

	@Override
	protected void lost(Exception cause) {
		logger.warn("API key cache off (every key is read from the database) until the change listener"
				+ " reconnects: " + cause.getMessage());
	}

	@Override
	protected void unsubscribed() {
		invalidateAll();
	}

}
