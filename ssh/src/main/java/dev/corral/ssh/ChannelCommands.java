package dev.corral.ssh;

import java.util.Optional;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/**
 * What each channel request becomes: a client that asked for a pty gets a terminal, any other an exec with pipes;
 * the {@code sftp} subsystem is OpenSSH's {@code sftp-server} run in the sandbox, speaking SFTP over the channel.
 *
 * <p>Threading: stateless; called on sshd's I/O threads when a request arrives (a pty request comes before it).
 */
final class ChannelCommands implements CommandFactory, ShellFactory, SubsystemFactory {
    /** Where Debian's {@code openssh-sftp-server} puts it; the base template installs it. */
    static final String SFTP_SERVER = "/usr/lib/openssh/sftp-server";
    /** Runs the SFTP server, or says why it cannot: a sandbox of an older template may not have it. */
    static final String SFTP_COMMAND = "if [ -x " + SFTP_SERVER + " ]; then exec " + SFTP_SERVER + "; fi; "
            + "echo 'corral: this sandbox has no SFTP server: apt-get install openssh-sftp-server' >&2; exit 127";
    /** A shell without a pty reads its commands from the channel, as OpenSSH's does. */
    static final String PLAIN_SHELL = "exec /bin/sh";

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        return hasPty(channel) ? new TerminalChannel(Optional.of(command)) : new ExecChannel(command);
    }

    @Override
    public Command createShell(ChannelSession channel) {
        return hasPty(channel) ? new TerminalChannel(Optional.empty()) : new ExecChannel(PLAIN_SHELL);
    }

    @Override
    public String getName() {
        return "sftp";
    }

    @Override
    public Command createSubsystem(ChannelSession channel) {
        return new ExecChannel(SFTP_COMMAND);
    }

    /** Whether the client sent a pty request on this channel: it sets the terminal's size (and modes). */
    private static boolean hasPty(ChannelSession channel) {
        Environment env = channel.getEnvironment();
        return !env.getPtyModes().isEmpty() || env.getEnv().containsKey(Environment.ENV_COLUMNS);
    }
}
