package dev.corral.core.ssh;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password as Corral keeps it: never the password, only PBKDF2-HMAC-SHA256 of it with a random salt of its own,
 * written {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (salt and hash in unpadded base64), so that a later
 * iteration count or algorithm can sit beside the hashes already stored. A check compares in constant time.
 *
 * <p>Threading: immutable; any thread. Hashing and checking each cost a fraction of a second of one core, on
 * purpose: whoever calls {@link #matches} on behalf of clients bounds how many run at once.
 */
public final class PasswordHash {
    /** OWASP's advice for PBKDF2-HMAC-SHA256 (2023). */
    public static final int ITERATIONS = 600_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    /** Far above any count we write; a stored hash past it is refused rather than spent a minute on. */
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** The hash of {@code password} with a new random salt and {@value #ITERATIONS} iterations. */
    public static PasswordHash of(String password) {
        return of(password, ITERATIONS);
    }

    /** As {@link #of(String)} with another iteration count ({@link PasswordHasher}). */
    static PasswordHash of(String password, int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS + ": " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** The hash written as {@link #encoded()} wrote it; {@link IllegalArgumentException} when it is not one. */
    public static PasswordHash parse(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("not a " + SCHEME + " password hash");
        }
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = DECODER.decode(parts[2]);
        byte[] hash = DECODER.decode(parts[3]);
        if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length == 0 || hash.length != HASH_BITS / 8) {
            throw new IllegalArgumentException("a " + SCHEME + " password hash out of bounds");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether {@code password} is the one hashed; the comparison takes the same time wherever they differ. */
    public boolean matches(String password) {
        return MessageDigest.isEqual(derive(password, salt, iterations), hash);
    }

    public String encoded() {
        return SCHEME + "$" + iterations + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + ALGORITHM, e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordHash that && that.iterations == iterations && Arrays.equals(that.salt, salt)
                && Arrays.equals(that.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash);
    }

    /** Says what kind of hash it is, never the hash. */
    @Override
    public String toString() {
        return SCHEME + " (" + iterations + " iterations)";
    }
}
