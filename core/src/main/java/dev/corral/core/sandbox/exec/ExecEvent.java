package dev.corral.core.sandbox.exec;

import java.time.Duration;

/**
 * What an {@link ExecStream} yields: chunks of output as the command writes them, then exactly one {@link Exit}.
 * Chunks hold raw bytes, not text: a chunk may end inside a multi-byte character.
 */
public sealed interface ExecEvent {

    /** Bytes the command wrote to its standard output. The array is the event's own; nobody else writes it. */
    record Stdout(byte[] data) implements ExecEvent {
    }

    /** Bytes the command wrote to its standard error. The array is the event's own; nobody else writes it. */
    record Stderr(byte[] data) implements ExecEvent {
    }

    /**
     * The end of the command: always the last event.
     *
     * @param exitCode  the shell's exit status; 128 + n when a signal n ended it (137 after a kill or an OOM kill)
     * @param duration  from start until the command and everything holding its output had finished
     * @param timedOut  whether its process group was killed, by the timeout or by {@link ExecStream#kill()}
     * @param truncated whether output beyond the byte limit was dropped
     */
    record Exit(int exitCode, Duration duration, boolean timedOut, boolean truncated) implements ExecEvent {
    }
}
