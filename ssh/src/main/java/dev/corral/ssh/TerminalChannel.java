package dev.corral.ssh;

import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import dev.corral.core.ssh.SshSessions;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command on a terminal: a shell (or an {@code exec} request) whose client asked for a pty. Keystrokes from the
 * channel go to the terminal, its output to the channel's stdout, a window change resizes it, and the command's
 * exit status is the channel's.
 *
 * <p>Threading: besides the worker of {@link ChannelCommand}, a second virtual thread copies the channel's input
 * to the terminal; both wait on sockets or sshd's channel buffers only.
 */
final class TerminalChannel extends ChannelCommand {
    private static final Logger LOG = LoggerFactory.getLogger(TerminalChannel.class);
    private static final int CHUNK = 8192;

    private final Optional<String> command;
    private volatile Terminal terminal;
    private volatile boolean stopped;

    /** @param command what to run, or empty for the sandbox's login shell */
    TerminalChannel(Optional<String> command) {
        this.command = command;
    }

    @Override
    protected int run(SshSessions.Session session, Environment env) throws IOException {
        String term = env.getEnv().getOrDefault(Environment.ENV_TERM, "xterm");
        var spec = new TerminalSpec(command, ExecSpec.DEFAULT_CWD, Map.of("TERM", term), size(env));
        terminal = session.terminal(spec);
        try (Terminal open = terminal) {
            if (stopped) {
                return GATEWAY_FAILURE;
            }
            env.addSignalListener((channel, signal) -> resize(open, env), Signal.WINCH);
            Thread.ofVirtual().name("corral-ssh-keys").start(() -> copyKeys(open));
            byte[] buffer = new byte[CHUNK];
            int read;
            while ((read = open.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
            return open.exitCode().orElse(GATEWAY_FAILURE);
        }
    }

    /** The channel's input to the terminal until either ends. */
    private void copyKeys(Terminal open) {
        byte[] buffer = new byte[CHUNK];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                open.write(buffer, 0, read);
            }
        } catch (IOException e) {
            LOG.debug("SSH terminal input ended: {}", e.getMessage());
        }
    }

    private static void resize(Terminal open, Environment env) {
        try {
            open.resize(size(env));
        } catch (IOException | RuntimeException e) {
            LOG.debug("SSH terminal resize failed: {}", e.getMessage());
        }
    }

    /** The size the client's pty request or last window change gave, clamped to what a terminal may be. */
    private static TerminalSize size(Environment env) {
        int cols = number(env.getEnv().get(Environment.ENV_COLUMNS), TerminalSize.DEFAULT.cols());
        int rows = number(env.getEnv().get(Environment.ENV_LINES), TerminalSize.DEFAULT.rows());
        return new TerminalSize(Math.clamp(cols, 1, TerminalSize.MAX_CELLS), Math.clamp(rows, 1,
                TerminalSize.MAX_CELLS));
    }

    private static int number(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    protected String newline() {
        return "\r\n";
    }

    @Override
    protected void stop() {
        stopped = true;
        Terminal open = terminal;
        if (open != null) {
            open.close();
        }
    }
}
