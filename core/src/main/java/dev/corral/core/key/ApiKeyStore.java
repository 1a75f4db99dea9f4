package dev.corral.core.key;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where API keys are kept. Every read is scoped to an organization except the lookup by hash. */
public interface ApiKeyStore {
    /** Stores a new key; {@code conflict} when a key with the same hash exists (a reused secret). */
    void insert(ApiKey key);

    Optional<ApiKey> find(OrganizationId organizationId, ApiKeyId id);

    /** The key whose secret hashes to {@code sha256}, revoked or not. */
    Optional<ApiKey> findByHash(String sha256);

    /** The organization's keys, newest first, revoked ones included. */
    Page<ApiKey> list(OrganizationId organizationId, PageRequest page);

    /** Replaces name and scopes; returns false when there is no such key. */
    boolean update(OrganizationId organizationId, ApiKeyId id, String name, List<Scope> scopes);

    /** Marks the key revoked at {@code at} unless it already is; returns false when there is no such key. */
    boolean revoke(OrganizationId organizationId, ApiKeyId id, Instant at);

    /** Records when keys were last used; later times win, unknown ids are ignored. */
    void recordLastUsed(Map<ApiKeyId, Instant> lastUsed);
}
