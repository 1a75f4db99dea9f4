package dev.corral.http.ssh;

import dev.corral.core.ssh.SshKey;
import java.time.Instant;

/** A registered SSH key as the API shows it: the public key without its comment, and its OpenSSH fingerprint. */
public record SshKeyResponse(String id, String name, String publicKey, String algorithm, int bits,
                             String fingerprint, Instant createdAt) {

    public static SshKeyResponse of(SshKey key) {
        return new SshKeyResponse(key.id().toString(), key.name(), key.publicKey().openSsh(),
                key.publicKey().algorithm(), key.publicKey().bits(), key.fingerprint(), key.createdAt());
    }
}
