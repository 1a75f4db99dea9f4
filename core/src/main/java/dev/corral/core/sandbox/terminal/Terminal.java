package dev.corral.core.sandbox.terminal;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * An open terminal in a sandbox: a command on a real pty whose output is read and whose input is written as
 * bytes, and whose window can be resized.
 *
 * <p>Threading: one thread reads while another writes and resizes; {@link #close()} may come from any thread and
 * makes a blocked {@link #read} return -1. Reads and writes go over a socket, so they may run on virtual threads.
 */
public interface Terminal extends AutoCloseable {

    /**
     * Reads the next output into {@code buffer}, blocking until there is some; -1 once the command has ended and
     * all its output was read, or the terminal was closed.
     */
    int read(byte[] buffer) throws IOException;

    /** Sends keystrokes (any bytes) to the command's pty. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Resizes the pty; the command gets {@code SIGWINCH}. */
    void resize(TerminalSize size) throws IOException;

    /** The command's exit code once {@link #read} has returned -1 because it ended; empty before, or if killed. */
    OptionalInt exitCode();

    /** Ends the command (its whole process group) if it still runs, and releases the terminal. Idempotent. */
    @Override
    void close();
}
