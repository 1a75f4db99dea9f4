package dev.corral.core.ssh;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import java.util.Optional;

/**
 * How a client finds the way into a sandbox over SSH: the gateway's host and port, the user to log in as and the
 * key it will likely use.
 *
 * <p>Threading: stateless beyond its collaborators; any thread.
 */
public final class SshAccess {
    private final SandboxService sandboxes;
    private final SshKeyStore keys;
    private final Optional<SshEndpoint> endpoint;

    /** @param endpoint where the gateway is reached; empty when it is off */
    public SshAccess(SandboxService sandboxes, SshKeyStore keys, Optional<SshEndpoint> endpoint) {
        this.sandboxes = sandboxes;
        this.keys = keys;
        this.endpoint = endpoint;
    }

    /**
     * How to reach the caller's sandbox over SSH.
     *
     * @throws CorralException {@code conflict} when this server runs no SSH gateway
     */
    public SshConnection connection(Principal caller, String idOrName) {
        Sandbox sandbox = sandboxes.get(caller, idOrName);
        SshEndpoint gateway = endpoint.orElseThrow(() -> CorralException.conflict("SSH is off on this server: "
                + "its operator enables it by setting ssh-port"));
        String user = sandbox.id().toString();
        String command = "ssh -p " + gateway.port() + " " + user + "@" + gateway.host();
        return new SshConnection(gateway.host(), gateway.port(), user, command,
                keys.newest(caller.organizationId()).map(SshKey::id));
    }
}
