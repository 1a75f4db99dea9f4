package dev.corral.ssh;

import dev.corral.core.error.CorralException;
import dev.corral.core.ssh.SshLogin;
import dev.corral.core.ssh.SshSessions;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties each SSH connection to a core {@link SshSessions.Session}: opened when authentication completes (refused
 * past the per-sandbox or per-server limit, the connection then disconnected with the reason), closed with the
 * connection. Also bounds the connections not yet authenticated, which hold no core session: past
 * {@code maxConnections} open at once, a new one is disconnected at once.
 *
 * <p>Threading: sshd's I/O threads call it; the counter is atomic and the core session is kept on the SSH session.
 */
final class SessionLifecycle implements SessionListener {
    static final AttributeKey<SshSessions.Session> SESSION = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(SessionLifecycle.class);

    private final SshSessions sessions;
    private final int maxConnections;
    private final AtomicInteger connections = new AtomicInteger();

    SessionLifecycle(SshSessions sessions, int maxConnections) {
        this.sessions = sessions;
        this.maxConnections = maxConnections;
    }

    @Override
    public void sessionCreated(Session session) {
        if (connections.incrementAndGet() > maxConnections) {
            disconnect(session, SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS,
                    "This server has as many SSH connections as it takes; try again shortly");
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        SshLogin login = session.getAttribute(SandboxKeyAuthenticator.LOGIN);
        if (login == null) {
            disconnect(session, SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE, "Not logged in");
            return;
        }
        try {
            session.setAttribute(SESSION, sessions.open(login));
        } catch (CorralException e) {
            disconnect(session, SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, e.getMessage());
        }
    }

    @Override
    public void sessionClosed(Session session) {
        connections.decrementAndGet();
        SshSessions.Session open = session.removeAttribute(SESSION);
        if (open != null) {
            open.close();
        }
    }

    private static void disconnect(Session session, int reason, String message) {
        try {
            session.disconnect(reason, message);
        } catch (IOException e) {
            LOG.debug("Disconnecting an SSH session failed: {}", e.getMessage());
        }
    }
}
