package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.key.Scope;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * An {@link ApiKeyStore} in a map, for unit tests; it passes the same contract as the database stores.
 *
 * <p>Threading: safe for concurrent use; every write holds one lock, so a read sees a key whole, before or after.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {
    private final ConcurrentHashMap<ApiKeyId, ApiKey> byId = new ConcurrentHashMap<>();
    private final WriteLock writes = new WriteLock();

    @Override
    public void insert(ApiKey key) {
        writes.run(() -> {
            if (byId.containsKey(key.id()) || findByHash(key.hash()).isPresent()) {
                throw CorralException.conflict("An API key with this secret already exists");
            }
            byId.put(key.id(), key);
        });
    }

    @Override
    public Optional<ApiKey> find(OrganizationId organizationId, ApiKeyId id) {
        return Optional.ofNullable(byId.get(id)).filter(key -> key.organizationId().equals(organizationId));
    }

    @Override
    public Optional<ApiKey> findByHash(String sha256) {
        return byId.values().stream().filter(key -> key.hash().equals(sha256)).findFirst();
    }

    @Override
    public Page<ApiKey> list(OrganizationId organizationId, PageRequest page) {
        return NewestFirstPages.page(byId.values().stream().filter(key -> key.organizationId().equals(organizationId)),
                page, ApiKey::createdAt, key -> key.id().toString());
    }

    @Override
    public boolean update(OrganizationId organizationId, ApiKeyId id, String name, List<Scope> scopes) {
        return change(organizationId, id, key -> new ApiKey(key.id(), key.organizationId(), name, key.prefix(),
                key.hash(), scopes, key.test(), key.expiresAt(), key.lastUsedAt(), key.revokedAt(), key.createdAt()));
    }

    @Override
    public boolean revoke(OrganizationId organizationId, ApiKeyId id, Instant at) {
        return change(organizationId, id, key -> key.isRevoked() ? key : new ApiKey(key.id(), key.organizationId(),
                key.name(), key.prefix(), key.hash(), key.scopes(), key.test(), key.expiresAt(), key.lastUsedAt(),
                Optional.of(at), key.createdAt()));
    }

    @Override
    public void recordLastUsed(Map<ApiKeyId, Instant> lastUsed) {
        writes.run(() -> lastUsed.forEach((id, at) -> byId.computeIfPresent(id, (k, key) ->
                key.lastUsedAt().filter(last -> !last.isBefore(at)).isPresent() ? key
                        : new ApiKey(key.id(), key.organizationId(), key.name(), key.prefix(), key.hash(),
                        key.scopes(), key.test(), key.expiresAt(), Optional.of(at), key.revokedAt(),
                        key.createdAt()))));
    }

    /** Replaces the organization's key {@code id} with what {@code change} makes of it; false when there is none. */
    private boolean change(OrganizationId organizationId, ApiKeyId id, UnaryOperator<ApiKey> change) {
        return writes.call(() -> {
            Optional<ApiKey> found = find(organizationId, id);
            found.ifPresent(key -> byId.put(id, change.apply(key)));
            return found.isPresent();
        });
    }
}
