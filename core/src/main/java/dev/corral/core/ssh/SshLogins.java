package dev.corral.core.ssh;

import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStore;
import java.util.List;
import java.util.Optional;

/**
 * Who may enter a sandbox over SSH: the gateway asks here for every key a client offers.
 *
 * <p>An SSH login acts as a {@link Principal} of the key's organization, so that everything a session does goes
 * through the same services and {@link dev.corral.core.policy.AccessPolicy} checks as an API call. Its key is a
 * view of the SSH key: the SSH key's id and name, its fingerprint where an API key has its hash, and exactly the
 * scopes a session needs ({@code sandbox:read} to find its sandbox, {@code sandbox:write} to run commands and
 * terminals in it: the permission of {@link dev.corral.core.policy.Action#SANDBOX_EXEC}). A registered key is thus
 * an exec-level credential of its organization, no more: it cannot make API keys, change plans or reach files
 * other than through the commands it runs. A view rather than a second kind of principal keeps the one policy
 * and every service signature as they are.
 *
 * <p>Threading: stateless beyond its stores; any thread (the gateway calls it from its own I/O threads).
 */
public final class SshLogins {
    private static final List<Scope> SESSION_SCOPES = List.of(new Scope("sandbox:read"), new Scope("sandbox:write"));

    private final SandboxStore sandboxes;
    private final SshKeyStore keys;
    private final OrganizationStore organizations;

    public SshLogins(SandboxStore sandboxes, SshKeyStore keys, OrganizationStore organizations) {
        this.sandboxes = sandboxes;
        this.keys = keys;
        this.organizations = organizations;
    }

    /**
     * The login of a client that offers the key with {@code fingerprint} as user {@code user}: the user must be
     * the id of a sandbox (in any state; a session then finds whether it can run) whose organization registered
     * that key. Empty otherwise, without saying which part failed.
     */
    public Optional<SshLogin> login(String user, String fingerprint) {
        if (!SandboxId.isId(user)) {
            return Optional.empty();
        }
        var id = new SandboxId(user);
        for (SshKey key : keys.findByFingerprint(fingerprint)) {
            if (sandboxes.find(key.organizationId(), id).isEmpty()) {
                continue;
            }
            Optional<Organization> organization = organizations.find(key.organizationId());
            if (organization.isPresent()) {
                return Optional.of(new SshLogin(principal(organization.get(), key), id, key));
            }
        }
        return Optional.empty();
    }

    /** The principal an SSH key's sessions act as; see the class doc. */
    static Principal principal(Organization organization, SshKey key) {
        var view = new ApiKey(new ApiKeyId(key.id().value()), organization.id(), "SSH key " + key.name(), "ssh",
                key.fingerprint(), SESSION_SCOPES, false, Optional.empty(), Optional.empty(), Optional.empty(),
                key.createdAt());
        return new Principal(organization, view);
    }
}
