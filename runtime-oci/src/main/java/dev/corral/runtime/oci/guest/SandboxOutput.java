package dev.corral.runtime.oci.guest;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The standard output of a file script as an {@link InputStream}, pulled from its {@link ExecStream} as it is
 * read. Its end is the script's exit: an exit that {@code verdict} does not accept is thrown, as the
 * {@link CorralException} it makes, instead of an end of stream, so a failure is never mistaken for the end of the
 * data. Standard error is kept (its tail) to explain failures. Closing it closes the exec (killing the script if
 * it still runs).
 *
 * <p>Threading: one reading thread, which also closes it.
 */
final class SandboxOutput extends InputStream {
    private static final int STDERR_TAIL_BYTES = 2048;

    /** Decides whether a script's exit is a success; returns normally when it is, throws otherwise. */
    @FunctionalInterface
    interface Verdict {
        void check(ExecEvent.Exit exit, String stderr);
    }

    private final ExecStream stream;
    private final Verdict verdict;
    private byte[] chunk = new byte[0];
    private int position;
    private boolean ended;
    private boolean closed;
    private byte[] stderr = new byte[0];

    SandboxOutput(ExecStream stream, Verdict verdict) {
        this.stream = stream;
        this.verdict = verdict;
    }

    @Override
    public int read() throws IOException {
        return fill() ? chunk[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, n);
        position += n;
        return n;
    }

    /**
     * Blocks until the script has written something or ended, so that a script failing before any output
     * (a missing file, say) throws here, before a caller commits to an answer.
     */
    void awaitOutput() throws IOException {
        fill();
    }

    /** The next line (without its newline), at most {@code maxBytes} long; what is left when the output ends. */
    String readLine(int maxBytes) throws IOException {
        var line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = read()) >= 0 && b != '\n') {
            if (line.size() == maxBytes) {
                throw CorralException.runtimeUnavailable("The sandbox answered a line longer than " + maxBytes
                        + " bytes", null);
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** True when bytes are ready in {@code chunk}; false at a successful end. */
    private boolean fill() throws IOException {
        while (position == chunk.length) {
            if (ended) {
                return false;
            }
            switch (next()) {
                case ExecEvent.Stdout out -> {
                    chunk = out.data();
                    position = 0;
                }
                case ExecEvent.Stderr err -> keepStderr(err.data());
                case ExecEvent.Exit exit -> {
                    ended = true;
                    verdict.check(exit, new String(stderr, StandardCharsets.UTF_8));
                }
            }
        }
        return true;
    }

    private ExecEvent next() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        try {
            return stream.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading from the sandbox");
        }
    }

    private void keepStderr(byte[] data) {
        byte[] joined = Arrays.copyOf(stderr, stderr.length + data.length);
        System.arraycopy(data, 0, joined, stderr.length, data.length);
        stderr = Arrays.copyOfRange(joined, Math.max(0, joined.length - STDERR_TAIL_BYTES), joined.length);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.close();
    }
}
