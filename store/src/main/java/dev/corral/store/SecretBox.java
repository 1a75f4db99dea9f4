package dev.corral.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets the store keeps (sandbox environment values) with AES-256-GCM before they reach the database,
 * and opens them when read. A sealed value is {@code v1:} followed by the base64 of a random 96-bit nonce, the
 * ciphertext and the 128-bit tag; values written before encryption have no prefix and read as they are, until
 * {@link JdbiSandboxStore#sealPlaintextEnv()} seals them. Each value is bound to where it is kept (its sandbox and
 * name), so a sealed value copied to another row does not open.
 *
 * <p>Threading: immutable; safe from any thread (each call makes its own {@link Cipher}).
 */
public final class SecretBox {
    /** The length of the key, in bytes: AES-256. */
    public static final int KEY_BYTES = 32;
    static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A box with the 256-bit {@code key}; any other length is refused. */
    public static SecretBox withKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a secret key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new SecretBox(key.clone());
    }

    /** A fresh random key, for a new data directory and for tests. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** {@code value} sealed, bound to {@code place} (which must be given again to open it). */
    String seal(String value, String place) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, place);
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        }
    }

    /**
     * The value {@code stored} holds: opened when sealed, as it is when written before encryption.
     *
     * @throws IllegalStateException when a sealed value does not open: another key, another place, or tampering
     */
    String open(String stored, String place) {
        if (!isSealed(stored)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalStateException("a sealed value in the store is too short to open");
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, NONCE_BYTES), place);
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a sealed value in the store does not open with this secret key (was it"
                    + " written with another key?)", e);
        }
    }

    static boolean isSealed(String stored) {
        return stored.startsWith(PREFIX);
    }

    private Cipher cipher(int mode, byte[] nonce, String place) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
