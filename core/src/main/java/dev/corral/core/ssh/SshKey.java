package dev.corral.core.ssh;

import dev.corral.core.org.OrganizationId;
import java.time.Instant;
import java.util.Objects;

/**
 * A public key an organization registered for SSH: whoever holds its private half may open SSH sessions into the
 * organization's sandboxes.
 *
 * @param fingerprint {@link SshPublicKey#fingerprint()}, unique within the organization
 */
public record SshKey(SshKeyId id, OrganizationId organizationId, String name, SshPublicKey publicKey,
                     String fingerprint, Instant createdAt) {
    public SshKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new key of {@code organizationId}, its fingerprint computed from the key. */
    public static SshKey of(SshKeyId id, OrganizationId organizationId, String name, SshPublicKey publicKey,
                            Instant createdAt) {
        return new SshKey(id, organizationId, name, publicKey, publicKey.fingerprint(), createdAt);
    }
}
