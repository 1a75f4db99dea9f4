package dev.corral.core.ssh;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SSH logins one sandbox was created with, beside its organization's registered keys: public keys that may
 * log in to this sandbox alone, and the hash of its root password when it was given one.
 */
public record SandboxCredentials(SandboxId sandbox, OrganizationId organization, List<SshPublicKey> keys,
                                 Optional<PasswordHash> password) {
    public SandboxCredentials {
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(organization, "organization");
        keys = List.copyOf(keys);
        Objects.requireNonNull(password, "password");
    }

    /** Whether the key with this OpenSSH fingerprint may log in to the sandbox. */
    public boolean accepts(String fingerprint) {
        return keys.stream().anyMatch(key -> key.fingerprint().equals(fingerprint));
    }
}
