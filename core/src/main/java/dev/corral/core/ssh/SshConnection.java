package dev.corral.core.ssh;

import java.util.Optional;

/**
 * How to open an SSH session into one sandbox: {@code ssh -p port user@host}.
 *
 * @param user  the sandbox's id, which the gateway reads as the sandbox to enter
 * @param keyId the organization's newest registered key, which the client is likely to hold; empty when it has none
 */
public record SshConnection(String host, int port, String user, String command, Optional<SshKeyId> keyId) {
}
