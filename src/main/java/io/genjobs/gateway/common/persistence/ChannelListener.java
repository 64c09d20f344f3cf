package io.genjobs.gateway.common.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.genjobs.gateway.common.WorkLoop;

/**
 * Listens on one PostgreSQL {@code NOTIFY} channel, on ONE connection of its own outside
 * the pool (so that listening takes none of the pool's connections), and hands each
 * notification's payload to {@link #notified}.
 * <p>
 * Each round of the {@link WorkLoop} is one listening session: connect, {@code LISTEN},
 * receive until the connection breaks or the gateway stops. An idle connection is checked
 * with a query every {@value #HEARTBEAT_SECONDS} s, and a read that hangs three times as
 * long fails, so that a connection that died silently is noticed. Between sessions the
 * loop waits a back-off that doubles from 0.5 s to 15 s while connecting keeps failing.
 * {@link #isListening()} says whether notifications are being received now: what was sent
 * while it was false was missed.
 */
public abstract class ChannelListener extends WorkLoop {

	private static final int HEARTBEAT_SECONDS = 10;

	private static final Duration HEARTBEAT = Duration.ofSeconds(HEARTBEAT_SECONDS);

	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(500);

	private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(15);

	// Closing the connection ends the listening round at once; this only bounds a stuck
	// close.
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

	private final DataSource dataSource;

	private final String channel;

	private final String applicationName;

	private volatile boolean listening;

	private volatile Connection connection;

	// Touched by the loop's thread only.
	private Duration reconnectDelay = FIRST_RECONNECT_DELAY;

	/**
	 * @param name the loop's thread name
	 * @param channel the channel listened on
	 * @param applicationName how the connection shows in {@code pg_stat_activity}
	 */
	protected ChannelListener(String name, DataSource dataSource, String channel, String applicationName) {
		super(name, STOP_TIMEOUT);
		this.dataSource = dataSource;
		this.channel = channel;
		this.applicationName = applicationName;
	}

	/** Whether notifications are being received now. */
	public boolean isListening() {
		return this.listening;
	}

	/**
	 * The channel is listened on again: what was sent before this was missed. Called on
	 * the loop's thread just before {@link #isListening()} turns true.
	 */
	protected abstract void subscribed();

	/** One notification, on the loop's thread: must not block. */
	protected abstract void notified(String payload);

	/**
	 * A listening session ended, or could not start, while the gateway is running; called
	 * after {@link #isListening()} turned false.
	 */
	protected abstract void lost(Exception cause);

	/** Called after every session, once {@link #isListening()} is false. */
	protected void unsubscribed() {
	}

	@Override
	protected final Duration round() {
		try (Connection connection = openConnection()) {
			this.connection = connection;
			try (Statement statement = connection.createStatement()) {
				statement.execute("listen " + this.channel);
			}
			subscribed();
			this.listening = true;
			this.reconnectDelay = FIRST_RECONNECT_DELAY;
			receive(connection);
		}
		catch (SQLException | RuntimeException ex) {
			this.listening = false;
			if (accepting()) {
				lost(ex);
			}
		}
		finally {
			this.listening = false;
			this.connection = null;
			unsubscribed();
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
		Connection open = this.connection;
		if (open != null) {
			try {
				open.close();
			}
			catch (SQLException ex) {
				// closing only to wake the listener up
			}
		}
	}

	private void receive(Connection connection) throws SQLException {
		PGConnection postgres = connection.unwrap(PGConnection.class);
		while (accepting()) {
			PGNotification[] notifications = postgres.getNotifications((int) HEARTBEAT.toMillis());
			if (notifications != null && notifications.length > 0) {
				for (PGNotification notification : notifications) {
					notified(notification.getParameter());
				}
			}
			else {
				try (Statement statement = connection.createStatement()) {
					statement.execute("select 1");
				}
			}
		}
	}

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
			properties.setProperty("ApplicationName", this.applicationName);
			opened = DriverManager.getConnection(hikari.getJdbcUrl(), properties);
		}
		else {
			opened = this.dataSource.getConnection();
		}
		opened.setAutoCommit(true);
		opened.setNetworkTimeout(Runnable::run, (int) HEARTBEAT.multipliedBy(3).toMillis());
		return opened;
	}

}
