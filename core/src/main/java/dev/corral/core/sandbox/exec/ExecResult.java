package dev.corral.core.sandbox.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The whole outcome of a command run to its end: both outputs, byte-exact and kept apart, and its exit. A non-zero
 * exit or a timeout is an outcome like any other, not an error.
 */
public record ExecResult(byte[] stdout, byte[] stderr, int exitCode, Duration duration, boolean timedOut,
                         boolean truncated) {

    /**
     * Reads {@code stream} to its exit, blocking; the caller still closes it. Between chunks the thread yields:
     * a virtual thread is never preempted, and a command that floods its output must not keep other requests off
     * the carrier.
     */
    public static ExecResult drain(ExecStream stream) throws InterruptedException {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        while (true) {
            switch (stream.next()) {
                case ExecEvent.Stdout chunk -> {
                    out.writeBytes(chunk.data());
                    Thread.yield();
                }
                case ExecEvent.Stderr chunk -> {
                    err.writeBytes(chunk.data());
                    Thread.yield();
                }
                case ExecEvent.Exit exit -> {
                    return new ExecResult(out.toByteArray(), err.toByteArray(), exit.exitCode(), exit.duration(),
                            exit.timedOut(), exit.truncated());
                }
            }
        }
    }

    /** Standard output decoded as UTF-8, malformed bytes replaced. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Standard error decoded as UTF-8, malformed bytes replaced. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
