package dev.corral.core.key;

import dev.corral.core.org.OrganizationId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Corral keeps of an API key: everything but the secret, of which only the hash and a display prefix remain.
 * Revocation is a soft delete: the row stays, with {@code revokedAt}, so that lists and audits still see it.
 */
public record ApiKey(
        ApiKeyId id,
        OrganizationId organizationId,
        String name,
        String prefix,
        String hash,
        List<Scope> scopes,
        boolean test,
        Optional<Instant> expiresAt,
        Optional<Instant> lastUsedAt,
        Optional<Instant> revokedAt,
        Instant createdAt) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(hash, "hash");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean isExpired(Instant now) {
        return expiresAt.map(at -> !now.isBefore(at)).orElse(false);
    }

    public boolean isRevoked() {
        return revokedAt.isPresent();
    }

    /** {@code active}, {@code expired} or {@code revoked}, as the API reports it. */
    public String status(Instant now) {
        if (isRevoked()) {
            return "revoked";
        }
        return isExpired(now) ? "expired" : "active";
    }

    public boolean grants(Scope required) {
        return scopes.stream().anyMatch(scope -> scope.grants(required));
    }
}
