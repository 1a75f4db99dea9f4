package dev.corral.app;

/**
 * The SSH gateway's configuration; the gateway runs only when {@code ssh-port} is set.
 *
 * @param port        where it listens, on the server's {@code host}; 0 picks a free one
 * @param host        the name clients connect to, as {@code GET /v1/sandboxes/{id}/ssh} tells them
 * @param maxSessions logged-in connections the server holds at once
 */
public record SshConfig(int port, String host, int maxSessions) {
    /** Sessions one sandbox may have open at once: a few people and their tools, not a crowd. */
    static final int SESSIONS_PER_SANDBOX = 16;

    /** Connections open at once, logged in or still authenticating: room for logins beside the sessions. */
    int maxConnections() {
        return 2 * maxSessions;
    }

    @Override
    public String toString() {
        return "port=" + port + " host=" + host + " maxSessions=" + maxSessions;
    }
}
