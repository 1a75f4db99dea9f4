package dev.corral.app.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The terminal {@code corral sandbox shell} runs at, driven with {@code stty} on {@code /dev/tty}: raw mode
 * without echo while the remote shell runs (every keystroke, Ctrl-C included, goes to it as typed), the settings
 * before it put back by {@link #close}, and the window's size.
 *
 * <p>Threading: {@link #size} may run on the signal thread that reports a resize while another thread reads the
 * keyboard; each call runs its own {@code stty}.
 */
final class LocalTerminal implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");

    private final String saved;
    private final Thread restoreOnExit;

    private LocalTerminal(String saved) {
        this.saved = saved;
        // A JVM ended by a signal (SIGTERM, SIGHUP) runs its shutdown hooks, not close().
        this.restoreOnExit = new Thread(this::restore, "corral-tty-restore");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
    }

    /** Puts the terminal in raw mode; empty when there is none to put ({@code stty} missing or failing). */
    static Optional<LocalTerminal> enterRaw() {
        Optional<String> saved = stty("-g").map(String::strip);
        if (saved.isEmpty() || stty("raw", "-echo").isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LocalTerminal(saved.get()));
    }

    /** The window's size as {@code {cols, rows}}; empty when it cannot be read or is not known (0 0). */
    static Optional<int[]> size() {
        return stty("size").flatMap(text -> {
            String[] rowsCols = text.strip().split("\\s+");
            try {
                int rows = Integer.parseInt(rowsCols[0]);
                int cols = Integer.parseInt(rowsCols[1]);
                return rows > 0 && cols > 0 ? Optional.of(new int[] {cols, rows}) : Optional.empty();
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** Puts the settings from before back. Idempotent. */
    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or has run, anyway
        }
    }

    private void restore() {
        stty(saved);
    }

    /** Runs {@code stty} on /dev/tty and returns what it printed; empty when it failed. */
    private static Optional<String> stty(String... arguments) {
        if (!TTY.canRead()) {
            return Optional.empty();
        }
        var command = new String[arguments.length + 1];
        command[0] = "stty";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        try {
            Process process = new ProcessBuilder(command).redirectInput(TTY)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
