package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.ssh.SshKey;
import dev.corral.core.ssh.SshKeyId;
import dev.corral.core.ssh.SshKeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link SshKeyStore} in a map, for unit tests; it passes the same contract as the database stores.
 *
 * <p>Threading: safe for concurrent use; inserts hold one lock, so the fingerprint check and the insert are one step.
 */
public final class InMemorySshKeyStore implements SshKeyStore {
    private final ConcurrentHashMap<SshKeyId, SshKey> byId = new ConcurrentHashMap<>();
    private final WriteLock writes = new WriteLock();

    @Override
    public void insert(SshKey key) {
        writes.run(() -> {
            boolean duplicate = byId.values().stream().anyMatch(k -> k.organizationId().equals(key.organizationId())
                    && k.fingerprint().equals(key.fingerprint()));
            if (duplicate || byId.containsKey(key.id())) {
                throw CorralException.conflict("This organization has registered this SSH key already");
            }
            byId.put(key.id(), key);
        });
    }

    @Override
    public Optional<SshKey> find(OrganizationId organizationId, SshKeyId id) {
        return Optional.ofNullable(byId.get(id)).filter(key -> key.organizationId().equals(organizationId));
    }

    @Override
    public Page<SshKey> list(OrganizationId organizationId, PageRequest page) {
        return NewestFirstPages.page(byId.values().stream().filter(key -> key.organizationId().equals(organizationId)),
                page, SshKey::createdAt, key -> key.id().toString());
    }

    @Override
    public List<SshKey> findByFingerprint(String fingerprint) {
        return byId.values().stream().filter(key -> key.fingerprint().equals(fingerprint)).toList();
    }

    @Override
    public int count(OrganizationId organizationId) {
        return (int) byId.values().stream().filter(key -> key.organizationId().equals(organizationId)).count();
    }

    @Override
    public boolean delete(OrganizationId organizationId, SshKeyId id) {
        return writes.call(() -> find(organizationId, id).map(key -> byId.remove(id) != null).orElse(false));
    }
}
