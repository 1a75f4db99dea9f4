package dev.corral.core.sandbox.logs;

import dev.corral.core.sandbox.SandboxId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a sandbox's log stream: output of a command, a command starting or ending, or a status change.
 *
 * @param processId the command it belongs to, for output and exec events
 * @param data      the text written, for {@code stdout}/{@code stderr}; the command line, for {@code exec_start}
 * @param status    the new status, for {@code status}
 * @param exitCode  the exit code, for {@code exec_end}
 */
public record LogEntry(Type type, SandboxId sandboxId, Optional<String> processId, Optional<String> data,
                       Optional<String> status, Optional<Integer> exitCode, Instant timestamp) {

    /** The kinds of log entries; {@link #wire()} is the {@code type} a client sees. */
    public enum Type {
        STDOUT, STDERR, EXEC_START, EXEC_END, STATUS;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public LogEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(processId, "processId");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    public static LogEntry output(Type stream, SandboxId sandbox, String processId, String text, Instant at) {
        return new LogEntry(stream, sandbox, Optional.of(processId), Optional.of(text), Optional.empty(),
                Optional.empty(), at);
    }

    public static LogEntry execStart(SandboxId sandbox, String processId, String command, Instant at) {
        return new LogEntry(Type.EXEC_START, sandbox, Optional.of(processId), Optional.of(command), Optional.empty(),
                Optional.empty(), at);
    }

    public static LogEntry execEnd(SandboxId sandbox, String processId, int exitCode, Instant at) {
        return new LogEntry(Type.EXEC_END, sandbox, Optional.of(processId), Optional.empty(), Optional.empty(),
                Optional.of(exitCode), at);
    }

    public static LogEntry status(SandboxId sandbox, String status, Instant at) {
        return new LogEntry(Type.STATUS, sandbox, Optional.empty(), Optional.empty(), Optional.of(status),
                Optional.empty(), at);
    }

    /** How much of the replay buffer this entry takes, roughly: its text plus a fixed overhead. */
    int weight() {
        return 64 + data.map(String::length).orElse(0);
    }
}
