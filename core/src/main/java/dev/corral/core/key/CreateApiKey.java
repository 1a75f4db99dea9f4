package dev.corral.core.key;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A request for a new key: its name, scopes ({@code *} when none), lifetime (none = never expires), kind. */
public record CreateApiKey(String name, List<Scope> scopes, Optional<Duration> expiresIn, boolean test) {
    public CreateApiKey {
        Objects.requireNonNull(name, "name");
        scopes = scopes.isEmpty() ? List.of(Scope.ALL) : List.copyOf(scopes);
        Objects.requireNonNull(expiresIn, "expiresIn");
    }
}
