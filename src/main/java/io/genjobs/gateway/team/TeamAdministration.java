package io.genjobs.gateway.team;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.hibernate.exception.ConstraintViolationException;

import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.common.Ids;
import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.common.web.ValidationFailedException;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Teams and their API keys: what the admin API does, for other features (and their tests)
 * to call directly. Methods block (JPA): call them off the event loop.
 * <p>
 * Invalid values raise {@link ValidationFailedException} naming the JSON fields
 * ({@code name}, {@code rate_limit_per_second}, {@code max_queued_jobs}); unknown ids
 * raise {@link TeamNotFoundException} or {@link ApiKeyNotFoundException}; a name taken by
 * another team raises {@link DuplicateTeamNameException}.
 */
@Service
public class TeamAdministration {

	private static final String NAME_CONSTRAINT = "teams_name_uq";

	private final Teams teams;

	private final ApiKeys apiKeys;

	private final TeamSettings settings;

	private final TransactionTemplate transactions;

	private final KeyCache keyCache;

	private final JdbcClient jdbc;

	private final Clock clock;

	TeamAdministration(Teams teams, ApiKeys apiKeys, TeamSettings settings, TransactionTemplate transactions,
			KeyCache keyCache, JdbcClient jdbc, Clock clock) {
		this.teams = teams;
		this.apiKeys = apiKeys;
		this.settings = settings;
		this.transactions = transactions;
		this.keyCache = keyCache;
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Creates a team. Surrounding white space is removed from the name.
	 * @param name the unique name, 1 to 100 characters
	 * @param rateLimitPerSecond {@code POST /jobs} requests per second, or {@code null}
	 * for the {@code gateway.teams.default-rate-limit-per-second} setting
	 * @param maxQueuedJobs jobs {@code queued} at once, or {@code null} for the
	 * {@code gateway.teams.default-max-queued-jobs} setting
	 * @return the new team
	 */
	public TeamView create(String name, Integer rateLimitPerSecond, Integer maxQueuedJobs) {
		return create(name, rateLimitPerSecond, maxQueuedJobs, false);
	}

	/**
	 * Creates a team, disabled from the start when {@code disabled} is {@code true}.
	 * @see #create(String, Integer, Integer)
	 */
	public TeamView create(String name, Integer rateLimitPerSecond, Integer maxQueuedJobs, Boolean disabled) {
		return create(name, rateLimitPerSecond, maxQueuedJobs, disabled, null);
	}

	/**
	 * Creates a team that may use only the models {@code allowedModels} allows
	 * ({@code null}: every enabled model).
	 * @see #create(String, Integer, Integer, Boolean)
	 */
	public TeamView create(String name, Integer rateLimitPerSecond, Integer maxQueuedJobs, Boolean disabled,
			AllowedModels allowedModels) {
		return create(name, rateLimitPerSecond, maxQueuedJobs, disabled, allowedModels, null);
	}

	/**
	 * Creates a team with a monthly budget ({@code null}: none).
	 * @see #create(String, Integer, Integer, Boolean, AllowedModels)
	 */
	public TeamView create(String name, Integer rateLimitPerSecond, Integer maxQueuedJobs, Boolean disabled,
			AllowedModels allowedModels, MonthlyBudget budget) {
		List<FieldError> errors = TeamConstraints.check(name, rateLimitPerSecond, maxQueuedJobs);
		errors.addAll(TeamConstraints.checkAllowedModels(allowedModels));
		if (name == null) {
			errors.addFirst(new FieldError(TeamConstraints.NAME, "is required"));
		}
		requireNoErrors(errors);
		String normalized = TeamConstraints.normalizeName(name);
		int rate = (rateLimitPerSecond != null) ? rateLimitPerSecond : this.settings.defaultRateLimitPerSecond();
		int queued = (maxQueuedJobs != null) ? maxQueuedJobs : this.settings.defaultMaxQueuedJobs();
		return uniquelyNamed(normalized, () -> this.transactions.execute((status) -> {
			if (this.teams.existsByName(normalized)) {
				throw new DuplicateTeamNameException(normalized);
			}
			Team team = new Team(Ids.next(), normalized, rate, queued, now());
			if (Boolean.TRUE.equals(disabled)) {
				team.change(null, null, null, true, team.getCreatedAt());
			}
			if (allowedModels != null) {
				team.allowModels(allowedModels, team.getCreatedAt());
			}
			if (budget != null) {
				team.budget(budget, team.getCreatedAt());
			}
			return TeamView.of(this.teams.saveAndFlush(team));
		}));
	}

	/**
	 * Changes a team; {@code null} keeps a value. New limits apply from the team's next
	 * request on.
	 * @param teamId the team
	 * @param name a new unique name, or {@code null}
	 * @param rateLimitPerSecond a new {@code POST /jobs} rate limit, or {@code null}
	 * @param maxQueuedJobs a new cap on queued jobs, or {@code null}
	 * @return the team as changed
	 */
	public TeamView update(UUID teamId, String name, Integer rateLimitPerSecond, Integer maxQueuedJobs) {
		return update(teamId, name, rateLimitPerSecond, maxQueuedJobs, null);
	}

	/**
	 * Changes a team, and disables ({@code true}) or enables ({@code false}) it;
	 * {@code null} keeps a value. A disabled team's keys are refused from the next
	 * request on (on other instances as soon as the change notification reaches them, see
	 * {@link KeyCache}); its jobs stay as they are, queued ones waiting until it is
	 * enabled again.
	 * @see #update(UUID, String, Integer, Integer)
	 */
	public TeamView update(UUID teamId, String name, Integer rateLimitPerSecond, Integer maxQueuedJobs,
			Boolean disabled) {
		return update(teamId, name, rateLimitPerSecond, maxQueuedJobs, disabled, null);
	}

	/**
	 * Changes a team, and the models it may use ({@code null} keeps them); the change
	 * applies from the team's next request on, on every instance.
	 * @see #update(UUID, String, Integer, Integer, Boolean)
	 */
	public TeamView update(UUID teamId, String name, Integer rateLimitPerSecond, Integer maxQueuedJobs,
			Boolean disabled, AllowedModels allowedModels) {
		return update(teamId, name, rateLimitPerSecond, maxQueuedJobs, disabled, allowedModels, null);
	}

	/**
	 * Changes a team, and its monthly budget ({@code null} keeps it); a new budget holds
	 * from the team's next {@code POST /jobs} on.
	 * @see #update(UUID, String, Integer, Integer, Boolean, AllowedModels)
	 */
	public TeamView update(UUID teamId, String name, Integer rateLimitPerSecond, Integer maxQueuedJobs,
			Boolean disabled, AllowedModels allowedModels, MonthlyBudget budget) {
		return update(teamId, name, rateLimitPerSecond, maxQueuedJobs, disabled, allowedModels, budget, null);
	}

	/**
	 * Changes a team, and how long its output files are kept ({@code null} keeps it);
	 * retention applies the new period from its next round on, to files stored before
	 * too.
	 * @see #update(UUID, String, Integer, Integer, Boolean, AllowedModels, MonthlyBudget)
	 */
	public TeamView update(UUID teamId, String name, Integer rateLimitPerSecond, Integer maxQueuedJobs,
			Boolean disabled, AllowedModels allowedModels, MonthlyBudget budget, OutputRetention outputRetention) {
		List<FieldError> errors = TeamConstraints.check(name, rateLimitPerSecond, maxQueuedJobs);
		errors.addAll(TeamConstraints.checkAllowedModels(allowedModels));
		requireNoErrors(errors);
		String normalized = TeamConstraints.normalizeName(name);
		return uniquelyNamed(normalized, () -> this.transactions.execute((status) -> {
			Team team = this.teams.findById(teamId).orElseThrow(() -> TeamNotFoundException.forId(teamId));
			if (normalized != null && this.teams.existsByNameAndIdNot(normalized, teamId)) {
				throw new DuplicateTeamNameException(normalized);
			}
			Instant now = now();
			team.change(normalized, rateLimitPerSecond, maxQueuedJobs, disabled, now);
			if (allowedModels != null) {
				team.allowModels(allowedModels, now);
			}
			if (budget != null) {
				team.budget(budget, now);
			}
			if (outputRetention != null) {
				team.retainOutputs(outputRetention, now);
			}
			TeamView changed = TeamView.of(this.teams.saveAndFlush(team));
			announceAuthChange();
			return changed;
		}));
	}

	@Transactional(readOnly = true)
	public TeamView get(UUID teamId) {
		return this.teams.findById(teamId).map(TeamView::of).orElseThrow(() -> TeamNotFoundException.forId(teamId));
	}

	/** Every team, oldest first. */
	@Transactional(readOnly = true)
	public List<TeamView> list() {
		return this.teams.findAllByOrderByCreatedAtAscIdAsc().stream().map(TeamView::of).toList();
	}

	/**
	 * Issues a new API key for a team. The returned key is the only copy: the gateway
	 * stores its hash.
	 */
	@Transactional
	public IssuedKey issueKey(UUID teamId) {
		if (!this.teams.existsById(teamId)) {
			throw TeamNotFoundException.forId(teamId);
		}
		String key = ApiKeySecrets.generate();
		ApiKey saved = this.apiKeys
			.save(new ApiKey(Ids.next(), teamId, ApiKeySecrets.hash(key), ApiKeySecrets.displayPrefix(key), now()));
		return new IssuedKey(saved.getId(), key, saved.getKeyPrefix(), saved.getCreatedAt());
	}

	/** A team's keys, revoked ones included, oldest first; never the secrets. */
	@Transactional(readOnly = true)
	public List<ApiKeyView> keys(UUID teamId) {
		if (!this.teams.existsById(teamId)) {
			throw TeamNotFoundException.forId(teamId);
		}
		return this.apiKeys.findByTeamIdOrderByCreatedAtAscIdAsc(teamId).stream().map(ApiKeyView::of).toList();
	}

	/**
	 * Revokes a key. When this returns the key no longer authenticates on this instance,
	 * and on the others as soon as the change notification reaches them (milliseconds;
	 * see {@link KeyCache}). Revoking a revoked key does nothing.
	 */
	@Transactional
	public void revokeKey(UUID keyId) {
		this.apiKeys.findById(keyId).orElseThrow(() -> ApiKeyNotFoundException.forId(keyId)).revoke(now());
		announceAuthChange();
	}

	/**
	 * The owner of an active key, from {@link KeyCache} when it holds the key (this never
	 * blocks), else empty.
	 */
	Optional<KeyOwner> cachedPrincipal(String key) {
		if (!ApiKeySecrets.isPlausible(key)) {
			return Optional.empty();
		}
		return Optional.ofNullable(this.keyCache.get(ApiKeySecrets.hash(key)));
	}

	/**
	 * The owner of an active key: from {@link KeyCache}, or one indexed query whose
	 * answer the cache then keeps.
	 */
	Optional<KeyOwner> authenticate(String key) {
		if (!ApiKeySecrets.isPlausible(key)) {
			return Optional.empty();
		}
		String hash = ApiKeySecrets.hash(key);
		KeyOwner cached = this.keyCache.get(hash);
		if (cached != null) {
			return Optional.of(cached);
		}
		if (this.keyCache.isUnknown(hash)) {
			return Optional.empty();
		}
		long readAt = this.keyCache.generation();
		Optional<KeyOwner> found = this.apiKeys.findActivePrincipal(hash);
		if (found.isPresent()) {
			this.keyCache.put(hash, found.get(), readAt);
		}
		else {
			this.keyCache.putUnknown(hash, readAt);
		}
		return found;
	}

	/**
	 * Whether the key surely authenticates nothing, known without blocking: it is not
	 * shaped like a key, or a database read found no active key for it a moment ago.
	 */
	boolean isKnownUnknown(String key) {
		return !ApiKeySecrets.isPlausible(key) || this.keyCache.isUnknown(ApiKeySecrets.hash(key));
	}

	/**
	 * Tells every instance's {@link KeyCache}, when this transaction commits, that keys
	 * or teams changed; this instance's cache forgets them right after the commit.
	 */
	private void announceAuthChange() {
		this.jdbc.sql("select pg_notify(?, '')").param(KeyCache.CHANNEL).query().singleValue();
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				TeamAdministration.this.keyCache.invalidateAll();
			}
		});
	}

	/**
	 * Makes sure the named team exists, with default limits, and that the given key is
	 * registered for it; repeated calls change nothing.
	 * @return whether the key authenticates afterwards (it does not when it was revoked,
	 * which is left as it is)
	 */
	@Transactional
	boolean ensureDevelopmentKey(String teamName, String key) {
		String name = TeamConstraints.normalizeName(teamName);
		requireNoErrors(TeamConstraints.check(name, null, null));
		Team team = this.teams.findByName(name)
			.orElseGet(() -> this.teams.save(new Team(Ids.next(), name, this.settings.defaultRateLimitPerSecond(),
					this.settings.defaultMaxQueuedJobs(), now())));
		String hash = ApiKeySecrets.hash(key);
		Optional<ApiKey> existing = this.apiKeys.findByKeyHash(hash);
		if (existing.isEmpty()) {
			this.apiKeys.save(new ApiKey(Ids.next(), team.getId(), hash, ApiKeySecrets.displayPrefix(key), now()));
			return true;
		}
		if (!existing.get().getTeamId().equals(team.getId())) {
			throw new IllegalStateException("The development key (gateway.dev.seed-key) is registered for another team"
					+ " than '" + name + "'");
		}
		return !existing.get().isRevoked();
	}

	private static <T> T uniquelyNamed(String name, Supplier<T> write) {
		try {
			return write.get();
		}
		catch (DataIntegrityViolationException ex) {
			// The existence check inside the transaction covers the usual case; this is a
			// concurrent request that took the name between that check and the insert.
			if (violates(ex, NAME_CONSTRAINT)) {
				throw new DuplicateTeamNameException(name);
			}
			throw ex;
		}
	}

	private static boolean violates(Throwable ex, String constraint) {
		return Causes.first(ex, (cause) -> cause instanceof ConstraintViolationException violation
				&& constraint.equalsIgnoreCase(violation.getConstraintName())) != null;
	}

	private static void requireNoErrors(List<FieldError> errors) {
		if (!errors.isEmpty()) {
			throw new ValidationFailedException(errors);
		}
	}

	// The gateway's clock ticks in microseconds, as PostgreSQL keeps them: the answer to
	// a write equals what later reads return.
	private Instant now() {
		return this.clock.instant();
	}

}
