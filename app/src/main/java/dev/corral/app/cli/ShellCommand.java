package dev.corral.app.cli;

import dev.corral.sdk.ApiException;
import dev.corral.sdk.TerminalConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code corral sandbox shell}: a terminal in a sandbox over its WebSocket. At a terminal, the local one goes raw
 * (restored on every way out) and follows the window's size; otherwise standard input is typed as it is read. The
 * exit code is the remote command's.
 *
 * <p>Threading: a platform thread reads standard input (a blocking read) and sends it; the HTTP client's thread
 * prints the output; the signal thread sends resizes; this thread waits for the end.
 */
final class ShellCommand {
    private static final int DEFAULT_COLS = 80;
    private static final int DEFAULT_ROWS = 24;

    private ShellCommand() {
    }

    static Command command() {
        return ApiOptions.leaf("shell", "Open a terminal in a sandbox: its login shell, or a command, on a real pty. "
                + "Keystrokes (Ctrl-C too) go to the sandbox; exit the shell (or Ctrl-D) to leave.",
                ShellCommand::open)
                .withParagraph("The exit code is the remote command's.")
                .withPositionals(SandboxCommand.SANDBOX)
                .withOptions(Command.Option.value("command", "CMD", "Run this with /bin/sh -c instead of the login "
                        + "shell."))
                .withExamples("  corral sandbox shell demo",
                        "  corral sandbox shell demo --command 'python3'",
                        "  corral sandbox shell demo --command 'top -d 1'",
                        "  printf 'ls /\\nexit\\n' | corral sandbox shell demo");
    }

    private static int open(Invocation call) throws InterruptedException {
        StandardInput input = call.input();
        // Only this process's own terminal is put in raw mode, never one a caller handed in.
        boolean atTerminal = input.terminal() && input.stream() == System.in;
        int[] size = atTerminal ? LocalTerminal.size().orElse(new int[] {DEFAULT_COLS, DEFAULT_ROWS})
                : new int[] {DEFAULT_COLS, DEFAULT_ROWS};
        RemoteApi remote = call.api().connect();
        var output = new Output(call.out());
        TerminalConnection terminal = connect(remote, call.positional("SANDBOX"), call.value("command"), size,
                output);
        TerminalConnection.Ended ended;
        Optional<LocalTerminal> raw = atTerminal ? LocalTerminal.enterRaw() : Optional.empty();
        SignalHandler previous = atTerminal ? followResizes(terminal) : null;
        try {
            Thread.ofPlatform().daemon().name("corral-shell-input").start(() -> type(input.stream(), terminal));
            ended = terminal.awaitEnd();
        } finally {
            raw.ifPresent(LocalTerminal::close);
            if (previous != null) {
                Signal.handle(new Signal("WINCH"), previous);
            }
            terminal.close();
            output.flush();
        }
        if (ended.exitCode().isPresent()) {
            return ended.exitCode().getAsInt();
        }
        throw new CliException(ended.closeCode() >= 4000 ? ended.reason()
                : "the terminal ended without an exit code (" + ended.closeCode() + " " + ended.reason() + ")", 1);
    }

    private static TerminalConnection connect(RemoteApi remote, String sandbox, String command, int[] size,
            Output output) {
        try {
            return TerminalConnection.open(remote.client(), sandbox, Optional.ofNullable(command), size[0],
                    size[1], output::write);
        } catch (ApiException e) {
            throw new CliException(e.getMessage() + (e.status() == 404 ? ": no such sandbox" : ""), 1, e.code());
        }
    }

    /** Sends a resize whenever the window changes; returns the handler it replaced. */
    private static SignalHandler followResizes(TerminalConnection terminal) {
        return Signal.handle(new Signal("WINCH"), signal -> LocalTerminal.size()
                .ifPresent(size -> terminal.resize(size[0], size[1])));
    }

    /** Types standard input into the terminal as it is read, until it ends or the terminal does. */
    private static void type(InputStream in, TerminalConnection terminal) {
        byte[] buffer = new byte[4096];
        try {
            int read;
            while (!terminal.isEnded() && (read = in.read(buffer)) >= 0) {
                terminal.send(buffer, 0, read);
            }
        } catch (IOException e) {
            // Standard input is gone: the remote command goes on until it ends.
        }
    }

    /** The terminal's output, decoded as UTF-8 across chunk boundaries, printed as it comes. */
    private static final class Output {
        private final PrintWriter out;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final CharBuffer chars = CharBuffer.allocate(8192);
        private ByteBuffer pending = ByteBuffer.allocate(0);

        Output(PrintWriter out) {
            this.out = out;
        }

        synchronized void write(ByteBuffer data) {
            ByteBuffer bytes = ByteBuffer.allocate(pending.remaining() + data.remaining());
            bytes.put(pending).put(data).flip();
            while (true) {
                boolean full = decoder.decode(bytes, chars, false).isOverflow();
                chars.flip();
                out.append(chars);
                chars.clear();
                if (!full) {
                    break;
                }
            }
            pending = bytes;
            out.flush();
        }

        synchronized void flush() {
            out.flush();
        }
    }
}
