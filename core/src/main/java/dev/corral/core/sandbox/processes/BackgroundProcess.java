package dev.corral.core.sandbox.processes;

import dev.corral.core.sandbox.SandboxId;
import java.time.Instant;
import java.util.Optional;

/**
 * A command started with {@code background: true}, as seen at one moment: it runs until it exits, is killed, or
 * its timeout ends it; its output goes to the sandbox's log stream.
 *
 * @param status {@code running}, {@code exited} or {@code killed}
 */
public record BackgroundProcess(String id, SandboxId sandboxId, String command, String status,
                                Optional<Integer> exitCode, Instant startedAt, Optional<Instant> endedAt) {
}
