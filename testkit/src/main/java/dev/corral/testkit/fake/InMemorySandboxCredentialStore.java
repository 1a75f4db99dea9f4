package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.ssh.SandboxCredentialStore;
import dev.corral.core.ssh.SandboxCredentials;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SandboxCredentialStore} in a map, for unit tests; it passes the same contract as the database stores.
 *
 * <p>Threading: safe for concurrent use.
 */
public final class InMemorySandboxCredentialStore implements SandboxCredentialStore {
    private final ConcurrentHashMap<SandboxId, SandboxCredentials> credentials = new ConcurrentHashMap<>();

    @Override
    public void insert(SandboxCredentials given) {
        if (credentials.putIfAbsent(given.sandbox(), given) != null) {
            throw CorralException.conflict("Sandbox " + given.sandbox() + " has its SSH logins already");
        }
    }

    @Override
    public Optional<SandboxCredentials> find(SandboxId sandbox) {
        return Optional.ofNullable(credentials.get(sandbox));
    }
}
