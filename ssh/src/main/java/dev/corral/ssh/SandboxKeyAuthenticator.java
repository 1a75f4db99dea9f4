package dev.corral.ssh;

import dev.corral.core.ssh.SshLogin;
import dev.corral.core.ssh.SshLogins;
import dev.corral.core.ssh.SshPublicKey;
import java.security.PublicKey;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication for the gateway: the user name is a sandbox id and the offered key must be one its
 * organization registered or the sandbox was created with ({@link SshLogins}). The login that passed is kept on the SSH session for
 * {@link SessionLifecycle}, which opens the core session once authentication completes.
 *
 * <p>Threading: called by sshd's I/O threads, twice per offered key (once to ask whether the key would do, once
 * with its signature checked); every call is one or two store reads.
 */
final class SandboxKeyAuthenticator implements PublickeyAuthenticator {
    static final AttributeKey<SshLogin> LOGIN = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(SandboxKeyAuthenticator.class);

    private final SshLogins logins;

    SandboxKeyAuthenticator(SshLogins logins) {
        this.logins = logins;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        return enter(session, username, () -> logins.login(username, fingerprint(key)));
    }

    /**
     * Whether {@code login} lets {@code username} in, keeping the login on the session when it does; a store that
     * fails lets nobody in. Key and password authentication alike end here.
     */
    static boolean enter(ServerSession session, String username, Supplier<Optional<SshLogin>> login) {
        Optional<SshLogin> found;
        try {
            found = login.get();
        } catch (RuntimeException e) {
            LOG.warn("SSH login of {} failed on a store read: {}", username, e.getMessage());
            return false;
        }
        found.ifPresent(entered -> session.setAttribute(LOGIN, entered));
        return found.isPresent();
    }

    /** The key's OpenSSH fingerprint, computed from its wire form as {@link SshPublicKey} computes it. */
    static String fingerprint(PublicKey key) {
        var buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return SshPublicKey.fingerprint(buffer.getCompactData());
    }
}
