package io.genjobs.gateway.team;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.stereotype.Component;

import io.genjobs.gateway.common.WorkLoop;

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
 * The listener is a {@link WorkLoop}: each round is one listening session on a connection
 * of its own; the wait between rounds is the reconnect back-off.
 */
@Component
class KeyCache extends WorkLoop {

	static final String CHANNEL = "gateway_auth_changed";

	/** How the listening connection shows in {@code pg_stat_activity}. */
	static final String APPLICATION_NAME = "runcomfy-gateway key-cache listener";

	private static final Log logger = LogFactory.getLog(KeyCache.class);

	/**
	 * How often the listening connection is checked with a query, so that a connection
	 * that silently died is noticed.
	 */
	private static final Duration HEARTBEAT = Duration.ofSeconds(10);

	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(500);

	private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(15);

	// Closing the connection ends the listening round at once; this only bounds a stuck
	// close.
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

	private final DataSource dataSource;

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

	private volatile boolean listening;

	private volatile Connection connection;

	// Touched by the loop's thread only.
	private Duration reconnectDelay = FIRST_RECONNECT_DELAY;

	KeyCache(DataSource dataSource, TeamSettings settings) {
		super("key-cache-listener", STOP_TIMEOUT);
		this.dataSource = dataSource;
		Duration ttl = settings.keyCacheTtl();
		this.principals = ttl.isPositive() ? Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build()
				: null;
		Duration unknownTtl = settings.unknownKeyCacheTtl();
		this.unknown = unknownTtl.isPositive()
				? Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(unknownTtl).build() : null;
	}

	/** The team of a key hash, if cached and the cache can be trusted now. */
	KeyOwner get(String keyHash) {
		return (this.principals != null && this.listening) ? this.principals.getIfPresent(keyHash) : null;
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
		if (this.principals == null || !this.listening || this.generation.get() != readAt) {
			return;
		}
		this.principals.put(keyHash, principal);
		// An invalidation between the check above and the put must not be outlived.
		if (!this.listening || this.generation.get() != readAt) {
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

	/** Whether cached keys are used now: the change notifications are being received. */
	boolean isListening() {
		return this.listening;
	}

	@Override
	protected boolean enabled() {
		return this.principals != null;
	}

	/**
	 * One listening session: connects, listens and receives notifications until the
	 * connection breaks or the gateway stops. Answers the back-off before reconnecting,
	 * which doubles (up to {@link #MAX_RECONNECT_DELAY}) while connecting keeps failing.
	 */
	@Override
	protected Duration round() {
		try (Connection connection = openConnection()) {
			this.connection = connection;
			try (Statement statement = connection.createStatement()) {
				statement.execute("listen " + CHANNEL);
			}
			// Whatever changed while nobody listened.
			invalidateAll();
			this.listening = true;
			logger.info("API key cache on: listening for key and team changes");
			this.reconnectDelay = FIRST_RECONNECT_DELAY;
			receive(connection);
		}
		catch (SQLException | RuntimeException ex) {
			if (accepting()) {
				logger.warn("API key cache off (every key is read from the database) until the change listener"
						+ " reconnects: " + ex.getMessage());
			}
		}
		finally {
			this.listening = false;
			invalidateAll();
			this.connection = null;
		}
		Duration wait = this.reconnectDelay;
		this.reconnectDelay = (wait.multipliedBy(2).compareTo(MAX_RECONNECT_DELAY) < 0) ? wait.multipliedBy(2)
				: MAX_RECONNECT_DELAY;
		return wait;
	}

	/** Closing the listening connection ends a round blocked on it. */
	@Override
	protected void onStopping() {
		this.listening = false;
		closeQuietly(this.connection);
	}

	private void receive(Connection connection) throws SQLException {
		PGConnection postgres = connection.unwrap(PGConnection.class);
		while (accepting()) {
			PGNotification[] notifications = postgres.getNotifications((int) HEARTBEAT.toMillis());
			if (notifications != null && notifications.length > 0) {
				invalidateAll();
			}
			else {
				try (Statement statement = connection.createStatement()) {
					statement.execute("select 1");
				}
			}
		}
	}

	/**
	 * A connection of its own, outside the pool, so that listening takes none of the
	 * pool's connections.
	 */
	private Connection openConnection() throws SQLException {
		Connection opened;
		if (this.dataSource instanceof HikariDataSource hikari) {
			Properties properties = new Properties();
			if (hikari.getUsername() != null) {
				properties.setProperty("user", hikari.getUsername());
			}
			if (hikari.getPassword() != null) {
				properties.setProperty("password", hikari.getPassword());
			}
			properties.setProperty("ApplicationName", APPLICATION_NAME);
			opened = DriverManager.getConnection(hikari.getJdbcUrl(), properties);
		}
		else {
			opened = this.dataSource.getConnection();
		}
		opened.setAutoCommit(true);
		// A read that hangs longer than this (a connection that died silently) fails and
		// reconnects.
		opened.setNetworkTimeout(Runnable::run, (int) HEARTBEAT.multipliedBy(3).toMillis());
		return opened;
	}

	private static void closeQuietly(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing only to wake the listener up
			}
		}
	}

}
