package dev.corral.core.ssh;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Registers, lists and deletes an organization's SSH public keys, the keys its members log in to its sandboxes
 * with through the SSH gateway.
 *
 * <p>Threading: any thread. Registrations are serialized by one lock, so that two at once cannot both pass the
 * count limit; registering is rare, so one lock for every organization costs nothing.
 */
public final class SshKeyService {
    /** Keys per organization: far more than a team uses, few enough that a login's lookup stays small. */
    public static final int MAX_KEYS_PER_ORGANIZATION = 100;
    static final int MAX_NAME_LENGTH = 100;

    private final SshKeyStore keys;
    private final InstantSource clock;
    private final ReentrantLock registrations = new ReentrantLock();

    public SshKeyService(SshKeyStore keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Registers a key for the caller's organization.
     *
     * @throws CorralException {@code validation_failed} for a bad name or key, {@code conflict} when the
     *                         organization has this key already, {@code quota_exceeded} past
     *                         {@value #MAX_KEYS_PER_ORGANIZATION} keys
     */
    public SshKey add(Principal caller, NewSshKey request) {
        AccessPolicy.require(caller, Action.SSH_KEY_WRITE);
        String name = validName(request.name());
        SshPublicKey publicKey = SshPublicKey.parse("publicKey", request.publicKey());
        registrations.lock();
        try {
            if (keys.count(caller.organizationId()) >= MAX_KEYS_PER_ORGANIZATION) {
                throw CorralException.quotaExceeded("An organization may register at most "
                        + MAX_KEYS_PER_ORGANIZATION + " SSH keys; delete one first");
            }
            SshKey key = SshKey.of(SshKeyId.random(), caller.organizationId(), name, publicKey, clock.instant());
            keys.insert(key);
            return key;
        } finally {
            registrations.unlock();
        }
    }

    public Page<SshKey> list(Principal caller, PageRequest page) {
        AccessPolicy.require(caller, Action.SSH_KEY_READ);
        return keys.list(caller.organizationId(), page);
    }

    public SshKey get(Principal caller, SshKeyId id) {
        AccessPolicy.require(caller, Action.SSH_KEY_READ);
        return keys.find(caller.organizationId(), id).orElseThrow(() -> CorralException.notFound("SSH key",
                id.toString()));
    }

    /** Deletes the key: from then on it opens no new session (sessions already open go on). */
    public void delete(Principal caller, SshKeyId id) {
        AccessPolicy.require(caller, Action.SSH_KEY_WRITE);
        if (!keys.delete(caller.organizationId(), id)) {
            throw CorralException.notFound("SSH key", id.toString());
        }
    }

    private static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
            throw CorralException.invalid("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return trimmed;
    }
}
