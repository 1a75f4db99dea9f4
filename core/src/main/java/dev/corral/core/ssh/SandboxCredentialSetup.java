package dev.corral.core.ssh;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.lifecycle.RequestedLogins;
import dev.corral.core.sandbox.lifecycle.SandboxLoginSetup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks and keeps the SSH logins a create asks for: {@code sshKeys}, each an OpenSSH public key or the id of a key
 * the caller's organization registered, and {@code rootPassword}, kept only as its {@link PasswordHash}.
 *
 * <p>A login to a sandbox can run commands in it, so asking for one takes the permission to run commands
 * ({@link Action#SANDBOX_EXEC}) besides the permission to create. A key id is looked up in the caller's
 * organization only: another organization's id is as unknown as one that names nothing.
 *
 * <p>Threading: stateless beyond its stores; any thread. A check with a password costs one slow hash.
 */
public final class SandboxCredentialSetup implements SandboxLoginSetup {
    /** Keys one sandbox may have of its own: its organization's registered keys come on top. */
    public static final int MAX_KEYS_PER_SANDBOX = 16;
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 128;

    private final SshKeyStore keys;
    private final SandboxCredentialStore credentials;
    private final PasswordHasher hasher;

    public SandboxCredentialSetup(SshKeyStore keys, SandboxCredentialStore credentials, PasswordHasher hasher) {
        this.keys = keys;
        this.credentials = credentials;
        this.hasher = hasher;
    }

    @Override
    public Checked check(Principal caller, RequestedLogins requested) {
        if (requested.isEmpty()) {
            return sandbox -> { };
        }
        AccessPolicy.require(caller, Action.SANDBOX_EXEC);
        List<SshPublicKey> publicKeys = publicKeys(caller, requested.sshKeys());
        Optional<PasswordHash> password = requested.rootPassword().map(this::hash);
        return sandbox -> credentials.insert(new SandboxCredentials(sandbox.id(), sandbox.organizationId(),
                publicKeys, password));
    }

    private List<SshPublicKey> publicKeys(Principal caller, List<String> entries) {
        if (entries.size() > MAX_KEYS_PER_SANDBOX) {
            throw CorralException.invalid("sshKeys", "may hold at most " + MAX_KEYS_PER_SANDBOX + " keys");
        }
        var found = new LinkedHashSet<SshPublicKey>();
        for (int i = 0; i < entries.size(); i++) {
            found.add(publicKey(caller, "sshKeys[" + i + "]", entries.get(i)));
        }
        return new ArrayList<>(found);
    }

    /** The key an entry names: a registered key's id, or the text of a public key. */
    private SshPublicKey publicKey(Principal caller, String field, String entry) {
        Optional<SshKeyId> id = keyId(entry);
        if (id.isEmpty()) {
            return SshPublicKey.parse(field, entry);
        }
        return keys.find(caller.organizationId(), id.get()).map(SshKey::publicKey)
                .orElseThrow(() -> CorralException.invalid(field, "names no SSH key of your organization: "
                        + entry));
    }

    private static Optional<SshKeyId> keyId(String entry) {
        if (entry == null || entry.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID uuid = UUID.fromString(entry);
            return uuid.toString().equalsIgnoreCase(entry) ? Optional.of(new SshKeyId(uuid)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private PasswordHash hash(String password) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
            throw CorralException.invalid("rootPassword", "must be " + MIN_PASSWORD_LENGTH + " to "
                    + MAX_PASSWORD_LENGTH + " characters");
        }
        return hasher.hash(password);
    }
}
