package dev.corral.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CLI's standard input and whether it is a terminal. Commands that pass input on (such as
 * {@code corral sandbox exec}) read it only when it is not: a person at a terminal has typed nothing for them.
 */
public record StandardInput(InputStream stream, boolean terminal) {

    /**
     * This process's standard input. Whether it is a terminal is read from where {@code /proc/self/fd/0} points
     * (the JDK cannot tell for standard input alone); when that cannot be read it counts as a terminal, so that
     * nothing waits on input nobody gives.
     */
    public static StandardInput ofProcess() {
        boolean terminal;
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            terminal = target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
                    || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            terminal = true;
        }
        return new StandardInput(System.in, terminal);
    }

    /** A terminal nobody types at: nothing is read. */
    public static StandardInput none() {
        return new StandardInput(InputStream.nullInputStream(), true);
    }

    /** Bytes to pass on, at most {@code limit}: none from a terminal; {@link CliException} (exit 2) beyond it. */
    byte[] readUpTo(int limit, String whatToDoInstead) {
        if (terminal) {
            return new byte[0];
        }
        try {
            byte[] bytes = stream.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new CliException("standard input is over " + (limit >> 20) + " MiB; " + whatToDoInstead, 2);
            }
            return bytes;
        } catch (IOException e) {
            throw new CliException("reading standard input failed: " + e.getMessage(), 2);
        }
    }
}
