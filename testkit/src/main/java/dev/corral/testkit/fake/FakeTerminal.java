package dev.corral.testkit.fake;

import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A terminal of {@link FakeSandboxRuntime}: an in-memory pty whose line discipline echoes what is typed (CR or NL
 * ends a line, DEL erases, Ctrl-C drops the line or interrupts a command, Ctrl-D on an empty line ends the shell),
 * writes NL as CR NL, and hands each line to {@link FakeShell}, after a {@code $ } prompt. It knows two commands of
 * its own: {@code stty size} (prints {@code rows cols}) and {@code exit [N]} (ends the terminal with N). A command
 * FakeShell does not run answers as a shell would, {@code sh: NAME: not found}, status 127. With a
 * {@link TerminalSpec#command()} it runs that once and ends with its status, unless it outlives its output
 * ({@code sleep}): then it runs until Ctrl-C (status 130) or until it is closed.
 *
 * <p>Output waits in a buffer of {@link #OUTPUT_LIMIT} bytes, as a pty's does: a writer whose echo would overflow
 * it blocks until the reader catches up, so a slow reader slows the writer.
 *
 * <p>Threading: one reader and one writer at once, {@link #close} from any thread; one lock guards everything,
 * with conditions for readable output and room to write.
 */
public final class FakeTerminal implements Terminal {
    public static final int OUTPUT_LIMIT = 64 * 1024;
    public static final String PROMPT = "$ ";

    private static final byte CTRL_C = 3;
    private static final byte CTRL_D = 4;
    private static final byte BACKSPACE = 8;
    private static final byte DELETE = 127;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final StringBuilder line = new StringBuilder();
    private final Runnable onClosed;
    private TerminalSize size;
    private boolean commandRunning;
    private Integer exitCode;
    private boolean closed;

    private FakeTerminal(TerminalSize size, Runnable onClosed) {
        this.size = size;
        this.onClosed = onClosed;
    }

    /** Opens a terminal for {@code spec}; {@code onClosed} runs once when it is closed. */
    static FakeTerminal open(TerminalSpec spec, Runnable onClosed) {
        var terminal = new FakeTerminal(spec.size(), onClosed);
        terminal.lock.lock();
        try {
            if (spec.command().isPresent()) {
                terminal.runCommand(spec.command().get());
            } else {
                terminal.append(PROMPT.getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            terminal.lock.unlock();
        }
        return terminal;
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        lock.lock();
        try {
            while (output.size() == 0 && exitCode == null && !closed) {
                readable.awaitUninterruptibly();
            }
            if (output.size() == 0) {
                return -1;
            }
            byte[] pending = output.toByteArray();
            int read = Math.min(buffer.length, pending.length);
            System.arraycopy(pending, 0, buffer, 0, read);
            output.reset();
            output.write(pending, read, pending.length - read);
            writable.signalAll();
            return read;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        lock.lock();
        try {
            for (int i = offset; i < offset + length; i++) {
                ended();
                type(bytes[i]);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        lock.lock();
        try {
            ended();
            this.size = size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalInt exitCode() {
        lock.lock();
        try {
            return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        onClosed.run();
    }

    /** One typed byte, through the line discipline. */
    private void type(byte b) throws IOException {
        if (commandRunning) {
            if (b == CTRL_C) {
                emit("^C");
                end(130);
            } else {
                emit(new byte[] {b});
            }
            return;
        }
        switch (b) {
            case '\r', '\n' -> {
                emit("\n");
                String typed = line.toString();
                line.setLength(0);
                runLine(typed);
            }
            case DELETE, BACKSPACE -> {
                if (!line.isEmpty()) {
                    line.setLength(line.length() - 1);
                    emit("\b \b");
                }
            }
            case CTRL_C -> {
                line.setLength(0);
                emit("^C\n" + PROMPT);
            }
            case CTRL_D -> {
                if (line.isEmpty()) {
                    end(0);
                }
            }
            default -> {
                line.append((char) (b & 0xff));
                emit(new byte[] {b});
            }
        }
    }

    private void runLine(String typed) throws IOException {
        String command = typed.strip();
        if (command.equals("exit") || command.matches("exit [0-9]+")) {
            end(command.equals("exit") ? 0 : Integer.parseInt(command.substring(5)) & 0xff);
            return;
        }
        if (command.equals("stty size")) {
            emit(size.rows() + " " + size.cols() + "\n");
        } else if (!command.isEmpty()) {
            FakeShell.Outcome outcome = outcomeOf(command);
            outcome.output().forEach(chunk -> emitQuietly(chunk.data()));
            if (outcome.outlives()) {
                commandRunning = true;
                return;
            }
        }
        emit(PROMPT);
    }

    /** Runs the terminal's one command; it ends the terminal unless it outlives its output. */
    private void runCommand(String command) {
        FakeShell.Outcome outcome = outcomeOf(command);
        // Before anyone reads: held whole, since waiting for room would wait for a reader that cannot come yet.
        outcome.output().forEach(chunk -> append(chunk.data()));
        if (outcome.outlives()) {
            commandRunning = true;
        } else {
            exitCode = outcome.exitCode();
        }
    }

    private static FakeShell.Outcome outcomeOf(String command) {
        try {
            return FakeShell.run(command, InputStream.nullInputStream());
        } catch (IllegalArgumentException e) {
            String name = command.split("\\s+", 2)[0];
            return new FakeShell.Outcome(List.of(new FakeShell.Chunk(true,
                    ("sh: " + name + ": not found\n").getBytes(StandardCharsets.UTF_8))), 127, false);
        }
    }

    private void end(int code) {
        exitCode = code;
        commandRunning = false;
        readable.signalAll();
    }

    private void ended() throws IOException {
        if (closed || exitCode != null) {
            throw new IOException("the terminal has ended");
        }
    }

    private void emit(String text) throws IOException {
        emit(text.getBytes(StandardCharsets.UTF_8));
    }

    private void emitQuietly(byte[] bytes) {
        try {
            emit(bytes);
        } catch (IOException e) {
            // closed while writing: what is left goes nowhere, as on a pty whose reader is gone
        }
    }

    /** Appends output, NL as CR NL; blocks while the buffer is full, and fails once the terminal is closed. */
    private void emit(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            while (output.size() >= OUTPUT_LIMIT && !closed) {
                writable.awaitUninterruptibly();
            }
            if (closed) {
                throw new IOException("the terminal was closed");
            }
            append(new byte[] {b});
        }
    }

    private void append(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                output.write('\r');
            }
            output.write(b);
        }
        readable.signalAll();
    }
}
