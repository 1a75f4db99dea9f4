package dev.corral.ssh;

import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.ssh.SshSessions;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.apache.sshd.server.Environment;

/**
 * A command without a terminal: an {@code exec} request, a shell asked for without a pty, or a subsystem. The
 * command runs with {@code /bin/sh -c} in the sandbox; the channel's input is streamed to its standard input, its
 * stdout and stderr go to the channel's, and its exit status is the channel's.
 */
final class ExecChannel extends ChannelCommand {
    private final String command;
    private volatile ExecStream stream;
    private volatile boolean stopped;

    ExecChannel(String command) {
        this.command = command;
    }

    @Override
    protected int run(SshSessions.Session session, Environment env) throws IOException, InterruptedException {
        stream = session.exec(command, Map.of(), in);
        try (ExecStream running = stream) {
            if (stopped) {
                return GATEWAY_FAILURE;
            }
            while (true) {
                switch (running.next()) {
                    case ExecEvent.Stdout chunk -> write(out, chunk.data());
                    case ExecEvent.Stderr chunk -> write(err, chunk.data());
                    case ExecEvent.Exit exit -> {
                        return exit.exitCode();
                    }
                }
            }
        }
    }

    private static void write(OutputStream to, byte[] data) throws IOException {
        to.write(data);
        to.flush();
    }

    @Override
    protected void stop() {
        stopped = true;
        ExecStream running = stream;
        if (running != null) {
            running.kill();
        }
    }
}
