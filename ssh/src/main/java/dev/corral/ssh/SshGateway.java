package dev.corral.ssh;

import dev.corral.core.ssh.SshLogins;
import dev.corral.core.ssh.SshSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The SSH gateway: an SSH server (Apache MINA SSHD) whose users are sandbox ids. Clients log in with a public key
 * their organization registered or the sandbox was created with ({@link SandboxKeyAuthenticator}), or with the
 * root password the sandbox was created with ({@link SandboxPasswordAuthenticator}); no keyboard-interactive login
 * is offered. Each connection holds a core session ({@link SessionLifecycle}); its channels run commands, terminals
 * and the SFTP server in the sandbox ({@link ChannelCommands}). No forwarding of ports or agents is offered.
 *
 * <p>The host key is made once, on first start, in {@code <data-dir>/ssh/} (a directory only the server's user
 * may enter; the key file itself 0600), so clients see the same host key across restarts.
 *
 * <p>Threading: sshd runs its own pool of NIO threads, which authenticate and dispatch; each channel's work runs
 * on a virtual thread of its own ({@link ChannelCommand}). {@link #close()} stops accepting and closes every
 * connection, which ends their commands.
 */
public final class SshGateway implements AutoCloseable {
    /** A client that has not logged in after this long is disconnected. */
    private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A connection without traffic for this long is closed, so that a forgotten one does not keep its sandbox from
     * pausing for ever (clients that want to stay connected send keep-alives: {@code ServerAliveInterval}).
     */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** Channels (commands, terminals, SFTP) one connection may have open at once. */
    private static final int CHANNELS_PER_CONNECTION = 10;

    private final SshServer server;

    /**
     * Where and how the gateway listens.
     *
     * @param host           the address to listen on
     * @param port           the port; 0 picks a free one
     * @param stateDir       where the host key is kept
     * @param maxConnections connections open at once, logged in or not
     */
    public record Settings(String host, int port, Path stateDir, int maxConnections) {
    }

    private SshGateway(SshServer server) {
        this.server = server;
    }

    /** Starts listening; {@link UncheckedIOException} when the port cannot be bound or the host key not made. */
    public static SshGateway start(Settings settings, SshLogins logins, SshSessions sessions) {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(settings.host());
        server.setPort(settings.port());
        server.setKeyPairProvider(hostKey(settings.stateDir()));
        server.setPublickeyAuthenticator(new SandboxKeyAuthenticator(logins));
        server.setPasswordAuthenticator(new SandboxPasswordAuthenticator(logins));
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        var commands = new ChannelCommands();
        server.setCommandFactory(commands);
        server.setShellFactory(commands);
        server.setSubsystemFactories(List.of(commands));
        server.addSessionListener(new SessionLifecycle(sessions, settings.maxConnections()));
        CoreModuleProperties.AUTH_TIMEOUT.set(server, AUTH_TIMEOUT);
        CoreModuleProperties.IDLE_TIMEOUT.set(server, IDLE_TIMEOUT);
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, CHANNELS_PER_CONNECTION);
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("ssh-port: cannot listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        return new SshGateway(server);
    }

    /** The port it listens on, the one picked when it was given 0. */
    public int port() {
        return server.getPort();
    }

    /** The host key, made on first start in a directory only this user may enter. */
    private static SimpleGeneratorHostKeyProvider hostKey(Path stateDir) {
        Path key = stateDir.resolve("ssh_host_ec_key");
        try {
            Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
            var provider = new SimpleGeneratorHostKeyProvider(key);
            provider.setAlgorithm("EC");
            provider.setKeySize(256);
            provider.loadKeys(null);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            return provider;
        } catch (IOException e) {
            throw new UncheckedIOException("ssh: cannot make the host key in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
