package dev.corral.core.sandbox.terminal;

import dev.corral.core.error.CorralException;

/** A terminal's size in character cells, as a client's window has it. */
public record TerminalSize(int cols, int rows) {
    /** Far beyond any screen; a larger size is a client's mistake or an attack on the pty's buffers. */
    public static final int MAX_CELLS = 1000;
    public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    public TerminalSize {
        if (cols < 1 || cols > MAX_CELLS || rows < 1 || rows > MAX_CELLS) {
            throw CorralException.invalid("size", "cols and rows must be 1 to " + MAX_CELLS + ", not " + cols
                    + "x" + rows);
        }
    }
}
