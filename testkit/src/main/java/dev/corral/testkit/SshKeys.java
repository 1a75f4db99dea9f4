package dev.corral.testkit;

import dev.corral.core.ssh.SshPublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Public keys for tests that only store and compare keys: well-formed Ed25519 keys of random bytes. */
public final class SshKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SshKeys() {
    }

    /** The text of a new Ed25519 public key, as a {@code .pub} file holds it, with {@code comment}. */
    public static String ed25519Text(String comment) {
        byte[] name = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        byte[] point = new byte[32];
        RANDOM.nextBytes(point);
        byte[] blob = ByteBuffer.allocate(4 + name.length + 4 + point.length)
                .putInt(name.length).put(name).putInt(point.length).put(point).array();
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " " + comment;
    }

    /** A new Ed25519 public key. */
    public static SshPublicKey ed25519() {
        return SshPublicKey.parse("publicKey", ed25519Text("test"));
    }
}
