package dev.corral.ssh;

import dev.corral.core.ssh.SshLogins;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Password authentication for the gateway: the user name is a sandbox id and the password must be the root
 * password the sandbox was created with ({@link SshLogins#loginWithPassword}); a sandbox created without one takes
 * no password. The login that passed is kept on the SSH session as a key login's is
 * ({@link SandboxKeyAuthenticator#enter}).
 *
 * <p>Threading: called by sshd's I/O threads; a check costs one slow hash, and {@link SshLogins} bounds how many
 * run at once. The connection limits, the authentication timeout and sshd's attempts per connection bound password
 * attempts as they bound offered keys.
 */
final class SandboxPasswordAuthenticator implements PasswordAuthenticator {
    private final SshLogins logins;

    SandboxPasswordAuthenticator(SshLogins logins) {
        this.logins = logins;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        return SandboxKeyAuthenticator.enter(session, username, () -> logins.loginWithPassword(username, password));
    }
}
