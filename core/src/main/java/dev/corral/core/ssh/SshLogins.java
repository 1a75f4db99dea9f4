package dev.corral.core.ssh;

import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * Who may enter a sandbox over SSH: the gateway asks here for every key and every password a client offers. A key
 * lets a client in when the sandbox's organization registered it, or when the sandbox was created with it
 * ({@link SandboxCredentials}); a password only when the sandbox was created with one and it matches.
 *
 * <p>An SSH login acts as a {@link Principal} of the sandbox's organization, so that everything a session does goes
 * through the same services and {@link dev.corral.core.policy.AccessPolicy} checks as an API call. Its key is a
 * view of the credential: for a registered key, the SSH key's id and name, its fingerprint where an API key has
 * its hash; for a sandbox's own key or password, an id derived from the sandbox and the credential. Either holds
 * exactly the scopes a session needs ({@code sandbox:read} to find its sandbox, {@code sandbox:write} to run
 * commands and terminals in it: the permission of {@link dev.corral.core.policy.Action#SANDBOX_EXEC}), and a
 * session only ever works in the sandbox it logged in to. A credential is thus an exec-level one, no more: it
 * cannot make API keys, change plans or reach files other than through the commands it runs. A view rather than a
 * second kind of principal keeps the one policy and every service signature as they are.
 *
 * <p>Password checks are slow on purpose ({@link PasswordHash}), so at most {@value #PASSWORD_CHECKS} run at once;
 * one past that is refused as a wrong password is, and a client tries again. A refusal takes one hash whatever its
 * reason (no such sandbox, no password, a wrong one), so its time does not tell whether the sandbox exists.
 *
 * <p>Threading: stateless beyond its stores and the bound on password checks; any thread (the gateway calls it from
 * its own I/O threads).
 */
public final class SshLogins {
    /** Password checks at once: each holds one of the gateway's I/O threads and a core for a fraction of a second. */
    static final int PASSWORD_CHECKS = 2;
    private static final List<Scope> SESSION_SCOPES = List.of(new Scope("sandbox:read"), new Scope("sandbox:write"));

    private final SandboxStore sandboxes;
    private final SshKeyStore keys;
    private final SandboxCredentialStore credentials;
    private final OrganizationStore organizations;
    private final PasswordHasher hasher;
    private final Semaphore passwordChecks = new Semaphore(PASSWORD_CHECKS);
    /** Made on first need, not at start (it is one slow hash); two threads may both make one, and either does. */
    private volatile PasswordHash decoy;

    /** @param hasher how the sandboxes' passwords were hashed, so that a refusal without one costs as much */
    public SshLogins(SandboxStore sandboxes, SshKeyStore keys, SandboxCredentialStore credentials,
                     OrganizationStore organizations, PasswordHasher hasher) {
        this.sandboxes = sandboxes;
        this.keys = keys;
        this.credentials = credentials;
        this.organizations = organizations;
        this.hasher = hasher;
    }

    /**
     * The login of a client that offers the key with {@code fingerprint} as user {@code user}: the user must be
     * the id of a sandbox (in any state; a session then finds whether it can run) whose organization registered
     * that key or that was created with it. Empty otherwise, without saying which part failed.
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
                return Optional.of(new SshLogin(principal(organization.get(), key), id, "key " + key.id()));
            }
        }
        return credentials.find(id).filter(own -> own.accepts(fingerprint))
                .flatMap(own -> ownLogin(own, "sandbox key " + fingerprint));
    }

    /**
     * The login of a client that offers {@code password} as user {@code user}: the user must be the id of a
     * sandbox created with that root password. Empty otherwise, and when {@value #PASSWORD_CHECKS} checks run
     * already, without saying which; see the class doc.
     */
    public Optional<SshLogin> loginWithPassword(String user, String password) {
        // A password of more UTF-16 units than the longest one takes (each character one or two) is nobody's.
        if (password == null || password.length() > 2 * SandboxCredentialSetup.MAX_PASSWORD_LENGTH
                || !passwordChecks.tryAcquire()) {
            return Optional.empty();
        }
        try {
            Optional<SandboxCredentials> own = SandboxId.isId(user) ? credentials.find(new SandboxId(user))
                    : Optional.empty();
            Optional<PasswordHash> hash = own.flatMap(SandboxCredentials::password);
            boolean matches = hash.orElseGet(this::decoy).matches(password);
            return matches && hash.isPresent() ? ownLogin(own.get(), "root password") : Optional.empty();
        } finally {
            passwordChecks.release();
        }
    }

    /** The login through a credential the sandbox was created with, while the sandbox and its organization exist. */
    private Optional<SshLogin> ownLogin(SandboxCredentials own, String credential) {
        Optional<Sandbox> sandbox = sandboxes.find(own.organization(), own.sandbox());
        Optional<Organization> organization = organizations.find(own.organization());
        if (sandbox.isEmpty() || organization.isEmpty()) {
            return Optional.empty();
        }
        var id = UUID.nameUUIDFromBytes((own.sandbox() + "\n" + credential).getBytes(StandardCharsets.UTF_8));
        var view = new ApiKey(new ApiKeyId(id), organization.get().id(), "SSH login of sandbox " + own.sandbox()
                + " (" + credential + ")", "ssh", credential, SESSION_SCOPES, false, Optional.empty(),
                Optional.empty(), Optional.empty(), sandbox.get().createdAt());
        return Optional.of(new SshLogin(new Principal(organization.get(), view), own.sandbox(), credential));
    }

    /** The principal an SSH key's sessions act as; see the class doc. */
    static Principal principal(Organization organization, SshKey key) {
        var view = new ApiKey(new ApiKeyId(key.id().value()), organization.id(), "SSH key " + key.name(), "ssh",
                key.fingerprint(), SESSION_SCOPES, false, Optional.empty(), Optional.empty(), Optional.empty(),
                key.createdAt());
        return new Principal(organization, view);
    }

    /** A hash no password matches in practice, checked when there is none to check. */
    private PasswordHash decoy() {
        PasswordHash made = decoy;
        if (made == null) {
            made = hasher.hash(UUID.randomUUID().toString());
            decoy = made;
        }
        return made;
    }
}
