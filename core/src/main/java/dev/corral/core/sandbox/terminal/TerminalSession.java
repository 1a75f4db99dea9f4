package dev.corral.core.sandbox.terminal;

import dev.corral.core.sandbox.SandboxId;
import java.time.Instant;

/**
 * A one-time terminal session: its random id is the credential of one connection to a terminal in the sandbox,
 * made before {@code expiresAt}; the connection uses it up.
 */
public record TerminalSession(String id, SandboxId sandboxId, Instant expiresAt) {
}
