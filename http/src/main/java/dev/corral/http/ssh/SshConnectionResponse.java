package dev.corral.http.ssh;

import dev.corral.core.ssh.SshConnection;

/** {@code GET /v1/sandboxes/{id}/ssh}: how to reach a sandbox over SSH (RunTools' OpenAPI shape). */
public record SshConnectionResponse(String host, int port, String user, String command, String keyId) {

    public static SshConnectionResponse of(SshConnection connection) {
        return new SshConnectionResponse(connection.host(), connection.port(), connection.user(),
                connection.command(), connection.keyId().map(Object::toString).orElse(null));
    }
}
