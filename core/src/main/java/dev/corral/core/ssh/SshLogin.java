package dev.corral.core.ssh;

import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.SandboxId;

/**
 * A successful SSH login: the sandbox it entered, the {@link Principal} its sessions act as (see
 * {@link SshLogins}), and what let it in, for logs.
 *
 * @param credential a registered key ({@code key <id>}), a key of the sandbox alone ({@code sandbox key
 *                   <fingerprint>}) or the sandbox's {@code root password}
 */
public record SshLogin(Principal principal, SandboxId sandbox, String credential) {
}
