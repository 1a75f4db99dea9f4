package dev.corral.core.ssh;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.util.List;
import java.util.Optional;

/** Where registered SSH keys are kept. Every read is scoped to an organization except the lookup by fingerprint. */
public interface SshKeyStore {
    /** Stores a new key; {@code conflict} when the organization has a key with the same fingerprint. */
    void insert(SshKey key);

    Optional<SshKey> find(OrganizationId organizationId, SshKeyId id);

    /** The organization's keys, newest first. */
    Page<SshKey> list(OrganizationId organizationId, PageRequest page);

    /** The organization's most recently registered key, if it has any. */
    default Optional<SshKey> newest(OrganizationId organizationId) {
        return list(organizationId, PageRequest.first(1)).items().stream().findFirst();
    }

    /** Every organization's key with this fingerprint: at most one per organization. */
    List<SshKey> findByFingerprint(String fingerprint);

    int count(OrganizationId organizationId);

    /** Deletes the key; false when the organization has no such key. */
    boolean delete(OrganizationId organizationId, SshKeyId id);
}
