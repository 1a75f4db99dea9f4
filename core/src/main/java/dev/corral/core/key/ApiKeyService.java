package dev.corral.core.key;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** Issues, lists, changes and revokes API keys, and turns a presented secret into a {@link Principal}. */
public final class ApiKeyService {
    static final int MAX_NAME_LENGTH = 100;

    private final ApiKeyStore keys;
    private final OrganizationStore organizations;
    private final KeyUsageRecorder usage;
    private final InstantSource clock;
    private final PrincipalCache principals = new PrincipalCache();
    private final FailedAuthentications failures = new FailedAuthentications();
    private final KeyStreams streams;

    public ApiKeyService(ApiKeyStore keys, OrganizationStore organizations, KeyUsageRecorder usage,
                         InstantSource clock) {
        this.keys = keys;
        this.organizations = organizations;
        this.usage = usage;
        this.clock = clock;
        this.streams = new KeyStreams(keys, clock);
    }

    /** The streams and sockets open under each key, which end when it is revoked or expires. */
    public KeyStreams streams() {
        return streams;
    }

    /** Issues a key of the caller's organization, with scopes the caller holds itself. */
    public IssuedKey issue(Principal caller, CreateApiKey request) {
        AccessPolicy.require(caller, Action.KEY_ISSUE);
        AccessPolicy.requireGrantable(caller, request.scopes());
        return issue(caller.organizationId(), request);
    }

    /** Issues a key for the server itself (a new organization's admin key), with no caller to check. */
    public IssuedKey issue(OrganizationId organizationId, CreateApiKey request) {
        return issue(organizationId, request, ApiKeySecret.generate(request.test()));
    }

    /** Stores a key whose secret the caller chose (the bootstrap key); its kind follows the secret's prefix. */
    public IssuedKey issue(OrganizationId organizationId, CreateApiKey request, ApiKeySecret secret) {
        String name = validName(request.name());
        Instant now = clock.instant();
        var key = new ApiKey(ApiKeyId.random(), organizationId, name, secret.displayPrefix(), secret.sha256(),
                request.scopes(), secret.isTest(), request.expiresIn().map(now::plus), Optional.empty(),
                Optional.empty(), now);
        keys.insert(key);
        return new IssuedKey(key, secret);
    }

    public Page<ApiKey> list(Principal caller, PageRequest page) {
        AccessPolicy.require(caller, Action.KEY_READ);
        return keys.list(caller.organizationId(), page);
    }

    public ApiKey get(Principal caller, ApiKeyId id) {
        AccessPolicy.require(caller, Action.KEY_READ);
        return stored(caller.organizationId(), id);
    }

    /**
     * Renames a key or replaces its scopes (an empty list: every scope); absent values keep what is stored. The
     * new scopes must be ones the caller holds.
     */
    public ApiKey update(Principal caller, ApiKeyId id, Optional<String> name, Optional<List<Scope>> scopes) {
        AccessPolicy.require(caller, Action.KEY_UPDATE);
        Optional<List<Scope>> newScopes = scopes.map(s -> s.isEmpty() ? List.of(Scope.ALL) : s);
        newScopes.ifPresent(s -> AccessPolicy.requireGrantable(caller, s));
        OrganizationId organizationId = caller.organizationId();
        ApiKey current = stored(organizationId, id);
        String newName = name.map(ApiKeyService::validName).orElse(current.name());
        keys.update(organizationId, id, newName, newScopes.orElse(current.scopes()));
        principals.forgetKey(id);
        return stored(organizationId, id);
    }

    /** Revokes the key; revoking a revoked key changes nothing. */
    public ApiKey revoke(Principal caller, ApiKeyId id) {
        AccessPolicy.require(caller, Action.KEY_REVOKE);
        if (!keys.revoke(caller.organizationId(), id, clock.instant())) {
            throw CorralException.notFound("API key", id.toString());
        }
        principals.forgetKey(id);
        streams.keyRevoked(id);
        return stored(caller.organizationId(), id);
    }

    private ApiKey stored(OrganizationId organizationId, ApiKeyId id) {
        return keys.find(organizationId, id).orElseThrow(() -> CorralException.notFound("API key", id.toString()));
    }

    /** Makes what is known of the organization's keys be read again: its tier or another property changed. */
    public void organizationChanged(OrganizationId id) {
        principals.forgetOrganization(id);
    }

    /**
     * The caller a presented secret stands for. {@code invalid_token} when it is malformed, unknown or revoked,
     * {@code token_expired} when its time is up. A key that authenticated within {@link PrincipalCache#TIME_TO_LIVE}
     * is not read again (see {@link PrincipalCache}).
     */
    public Principal authenticate(String presented) {
        if (!ApiKeySecret.isWellFormed(presented)) {
            throw new CorralException(ErrorCode.INVALID_TOKEN, "The API key is malformed");
        }
        String hash = ApiKeySecret.of(presented).sha256();
        Instant now = clock.instant();
        Principal principal = principals.find(hash, now).orElseGet(() -> read(hash, now));
        if (principal.key().isExpired(now)) {
            throw KeyErrors.expired();
        }
        usage.record(principal.key().id(), now);
        return principal;
    }

    /**
     * As {@link #authenticate(String)}, for a caller at {@code clientAddress}: past {@link FailedAuthentications}'
     * budget of failures from that address, a key that does not authenticate is {@code rate_limited} with the
     * time until the next attempt, instead of {@code invalid_token} or {@code token_expired}. A valid key is
     * authenticated as always.
     */
    public Principal authenticate(String presented, String clientAddress) {
        try {
            return authenticate(presented);
        } catch (CorralException e) {
            if (e.code() != ErrorCode.INVALID_TOKEN && e.code() != ErrorCode.TOKEN_EXPIRED) {
                throw e;
            }
            Optional<Duration> wait = failures.fail(clientAddress, clock.instant());
            if (wait.isPresent()) {
                throw CorralException.rateLimited("Too many failed authentications from this address; retry later",
                        wait.get());
            }
            throw e;
        }
    }

    /**
     * The caller a key stands for, found by its id rather than its secret: for a credential this server signed
     * for the key (a port URL's token), which holds only as long as the key does. {@code invalid_token} when the
     * key is unknown or revoked, {@code token_expired} when its time is up.
     */
    public Principal principalOf(OrganizationId organizationId, ApiKeyId id) {
        ApiKey key = keys.find(organizationId, id)
                .orElseThrow(() -> new CorralException(ErrorCode.INVALID_TOKEN, "The API key is not valid"));
        if (key.isRevoked()) {
            throw KeyErrors.revoked();
        }
        if (key.isExpired(clock.instant())) {
            throw KeyErrors.expired();
        }
        Organization organization = organizations.find(organizationId)
                .orElseThrow(() -> new CorralException(ErrorCode.INVALID_TOKEN, "The API key is not valid"));
        return new Principal(organization, key);
    }

    private Principal read(String hash, Instant now) {
        long generation = principals.generation();
        ApiKey key = keys.findByHash(hash)
                .orElseThrow(() -> new CorralException(ErrorCode.INVALID_TOKEN, "The API key is not valid"));
        if (key.isRevoked()) {
            throw KeyErrors.revoked();
        }
        Organization organization = organizations.find(key.organizationId())
                .orElseThrow(() -> new CorralException(ErrorCode.INVALID_TOKEN, "The API key is not valid"));
        var principal = new Principal(organization, key);
        principals.put(hash, principal, now, generation);
        return principal;
    }

    private static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
            throw CorralException.invalid("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return trimmed;
    }
}
