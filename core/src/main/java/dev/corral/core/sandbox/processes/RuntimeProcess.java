package dev.corral.core.sandbox.processes;

import java.time.Instant;
import java.util.Optional;

/**
 * A background command as the runtime keeps it, apart from this server's memory: what lets a restarted server
 * list and kill what an earlier one started.
 *
 * @param processId the id it was started under ({@link dev.corral.core.sandbox.SandboxRuntime#startBackground})
 * @param exitCode  once it ended: its exit status, {@code 128 + n} for a signal {@code n}
 */
public record RuntimeProcess(String processId, String command, Instant startedAt, boolean running,
                             Optional<Integer> exitCode) {
}
