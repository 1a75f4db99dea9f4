package dev.corral.core.ssh;

import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.SandboxId;

/**
 * A successful SSH login: the sandbox it entered, the registered key that let it in, and the {@link Principal}
 * its sessions act as (see {@link SshLogins}).
 */
public record SshLogin(Principal principal, SandboxId sandbox, SshKey key) {
}
