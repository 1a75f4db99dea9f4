package dev.corral.core.ssh;

import dev.corral.core.error.CorralException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * An SSH public key as OpenSSH writes it ({@code ssh-ed25519 AAAA... comment}), checked: Ed25519, ECDSA on
 * nistp256/384/521, or RSA of at least {@value #MIN_RSA_BITS} bits. Kept without its comment; its
 * {@linkplain #fingerprint() fingerprint} is OpenSSH's {@code SHA256:} form, the same {@code ssh-keygen -l} prints
 * and the gateway computes from the key a client offers.
 *
 * <p>Implementation notes. The base64 part is the key in SSH's wire format (RFC 4253 §6.6): a sequence of
 * length-prefixed strings, the first naming the algorithm again. The algorithm inside must equal the one in front,
 * and every part must be consumed, so that text with a swapped or padded blob is refused rather than stored.
 *
 * @param algorithm the OpenSSH name, such as {@code ssh-ed25519}
 * @param blob      the key in SSH wire format (the decoded base64 part)
 * @param bits      the key's size: 256 for Ed25519, the curve's for ECDSA, the modulus's for RSA
 */
public record SshPublicKey(String algorithm, byte[] blob, int bits) {
    public static final int MIN_RSA_BITS = 2048;
    /** Far beyond a 16384-bit RSA key in base64: longer text is not a key. */
    static final int MAX_TEXT_LENGTH = 16 * 1024;
    private static final int ED25519_KEY_BYTES = 32;
    private static final Map<String, Integer> ECDSA_CURVES = Map.of(
            "nistp256", 256, "nistp384", 384, "nistp521", 521);

    public SshPublicKey {
        Objects.requireNonNull(algorithm, "algorithm");
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /**
     * The key written in {@code text}; {@code validation_failed} on {@code field} saying what is wrong when it is
     * not an OpenSSH public key of an accepted algorithm and size.
     */
    public static SshPublicKey parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw CorralException.invalid(field, "is required: an OpenSSH public key such as the contents of "
                    + "~/.ssh/id_ed25519.pub");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw CorralException.invalid(field, "is longer than any accepted public key");
        }
        String[] parts = text.strip().split("\\s+", 3);
        if (parts.length < 2) {
            throw CorralException.invalid(field, "must be '<algorithm> <base64 key> [comment]', as in a .pub file");
        }
        String algorithm = parts[0];
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw CorralException.invalid(field, "the key part is not base64");
        }
        try {
            return new SshPublicKey(algorithm, blob, checkedBits(field, algorithm, ByteBuffer.wrap(blob)));
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw CorralException.invalid(field, "is not a well-formed " + printable(algorithm) + " key"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** The key's size in bits, after checking that the blob is a whole key of {@code algorithm}. */
    private static int checkedBits(String field, String algorithm, ByteBuffer wire) {
        String inner = new String(string(wire), StandardCharsets.US_ASCII);
        if (!inner.equals(algorithm)) {
            throw new IllegalArgumentException("the key inside says " + printable(inner));
        }
        int bits;
        if (algorithm.equals("ssh-ed25519")) {
            if (string(wire).length != ED25519_KEY_BYTES) {
                throw new IllegalArgumentException("an Ed25519 key has 32 bytes");
            }
            bits = 256;
        } else if (algorithm.startsWith("ecdsa-sha2-")) {
            String curve = new String(string(wire), StandardCharsets.US_ASCII);
            Integer curveBits = ECDSA_CURVES.get(curve);
            if (curveBits == null || !algorithm.equals("ecdsa-sha2-" + curve)) {
                throw new IllegalArgumentException("unsupported curve " + printable(curve));
            }
            byte[] point = string(wire);
            if (point.length == 0 || point[0] != 0x04) {
                throw new IllegalArgumentException("the point is not uncompressed");
            }
            bits = curveBits;
        } else if (algorithm.equals("ssh-rsa")) {
            BigInteger exponent = new BigInteger(string(wire));
            BigInteger modulus = new BigInteger(string(wire));
            if (exponent.signum() <= 0 || modulus.signum() <= 0) {
                throw new IllegalArgumentException("the exponent and modulus must be positive");
            }
            bits = modulus.bitLength();
            if (bits < MIN_RSA_BITS) {
                throw CorralException.invalid(field, "an RSA key needs at least " + MIN_RSA_BITS
                        + " bits, this one has " + bits + "; make a new one with ssh-keygen -t ed25519");
            }
        } else {
            throw CorralException.invalid(field, "the algorithm " + printable(algorithm)
                    + " is not accepted: use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa");
        }
        if (wire.hasRemaining()) {
            throw new IllegalArgumentException("bytes follow the key");
        }
        return bits;
    }

    /** One length-prefixed string of the wire format. */
    private static byte[] string(ByteBuffer wire) {
        int length = wire.getInt();
        if (length < 0 || length > wire.remaining()) {
            throw new IllegalArgumentException("a length runs past the end");
        }
        byte[] bytes = new byte[length];
        wire.get(bytes);
        return bytes;
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    /** OpenSSH's fingerprint: {@code SHA256:} and the unpadded base64 of the blob's SHA-256. */
    public String fingerprint() {
        return fingerprint(blob);
    }

    /** The fingerprint of a key given in SSH wire format. */
    public static String fingerprint(byte[] wireBlob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(wireBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The key as one line of {@code authorized_keys}, without a comment. */
    public String openSsh() {
        return algorithm + " " + Base64.getEncoder().encodeToString(blob);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SshPublicKey key && key.algorithm.equals(algorithm) && Arrays.equals(key.blob, blob);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return algorithm + " " + fingerprint();
    }
}
