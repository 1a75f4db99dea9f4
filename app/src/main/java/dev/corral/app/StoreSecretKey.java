package dev.corral.app;

import dev.corral.store.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;

/**
 * The key that seals the secrets the store keeps (sandbox environment values): {@code secret-key} when it is
 * configured ({@code CORRAL_SECRET_KEY}, the base64 of 32 bytes; servers sharing one PostgreSQL database share it
 * this way), or else the file {@code secret.key} in the data directory, made with a random key on first start and
 * readable by the host's root only. Losing the key loses those values: it is backed up with the database.
 */
final class StoreSecretKey {
    static final String FILE_NAME = "secret.key";

    private StoreSecretKey() {
    }

    /** The box sealing with the configured key, or with the data directory's own (made now when absent). */
    static SecretBox load(Config config) {
        return SecretBox.withKey(bytes(config));
    }

    /** The configured key, or the data directory's own (made now when absent). */
    static byte[] bytes(Config config) {
        return config.secretKey().map(StoreSecretKey::decode)
                .orElseGet(() -> fromFile(config.dataDir().resolve(FILE_NAME)));
    }

    /**
     * A key of its own for {@code purpose} (HMAC-SHA256 of the purpose under {@code key}), so that signing tokens
     * never uses the sealing key itself, and servers sharing a secret key sign alike.
     */
    static byte[] derive(byte[] key, String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The base64 text of a key, or empty when it is not 32 bytes of base64. */
    static Optional<byte[]> parse(String text) {
        try {
            byte[] key = Base64.getDecoder().decode(text.strip());
            return key.length == SecretBox.KEY_BYTES ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] decode(String text) {
        return parse(text).orElseThrow(() -> new ConfigException("secret-key: must be the base64 of 32 bytes"));
    }

    private static byte[] fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return parse(Files.readString(file)).orElseThrow(() -> new ConfigException(file
                    + " does not hold a secret key (the base64 of 32 bytes); restore it from a backup, or the"
                    + " sandbox environment values stored with it cannot be read"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key " + file, e);
        }
    }

    /** Writes a new random key, whole or not at all: to a private file first, then renamed into place. */
    private static void create(Path file) throws IOException {
        Path partial = file.resolveSibling(FILE_NAME + ".new");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, Base64.getEncoder().encodeToString(SecretBox.newKey()) + "\n");
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
