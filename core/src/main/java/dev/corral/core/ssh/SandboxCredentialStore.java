package dev.corral.core.ssh;

import dev.corral.core.sandbox.SandboxId;
import java.util.Optional;

/** Where the SSH logins sandboxes were created with are kept: one entry for each sandbox that asked for any. */
public interface SandboxCredentialStore {
    /** Stores a sandbox's logins; a sandbox gets them once, at its create, whose row exists already. */
    void insert(SandboxCredentials credentials);

    /**
     * The sandbox's logins, whatever its organization: the gateway knows only the sandbox id a client logs in as,
     * and checks the sandbox's organization itself.
     */
    Optional<SandboxCredentials> find(SandboxId sandbox);
}
