package dev.corral.http.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.core.key.ApiKey;
import dev.corral.core.key.Scope;
import java.time.Instant;
import java.util.List;

/** An API key as the API shows it (RunTools §11.1); {@code key}, the secret, only in the answer to its creation. */
public record ApiKeyResponse(
        String id,
        String name,
        String keyPrefix,
        List<String> scopes,
        boolean isTest,
        String status,
        Instant expiresAt,
        Instant lastUsedAt,
        Instant revokedAt,
        Instant createdAt,
        String projectId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    public static ApiKeyResponse of(ApiKey key, Instant now) {
        return withSecret(key, now, null);
    }

    public static ApiKeyResponse withSecret(ApiKey key, Instant now, String secret) {
        return new ApiKeyResponse(key.id().toString(), key.name(), key.prefix(),
                key.scopes().stream().map(Scope::value).toList(), key.test(), key.status(now),
                key.expiresAt().orElse(null), key.lastUsedAt().orElse(null), key.revokedAt().orElse(null),
                key.createdAt(), null, secret);
    }
}
