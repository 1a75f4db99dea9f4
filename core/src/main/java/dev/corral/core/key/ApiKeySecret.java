package dev.corral.core.key;

import dev.corral.core.id.RandomIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret of an API key, {@code rt_live_} or {@code rt_test_} and 32 characters {@code [A-Za-z0-9]}. Only its
 * SHA-256 and a short display prefix are ever stored; {@link #toString()} never shows it.
 */
public final class ApiKeySecret {
    private static final Pattern FORMAT = Pattern.compile("rt_(live|test)_[A-Za-z0-9]{32}");
    private static final int DISPLAY_PREFIX_LENGTH = 12;

    private final String value;

    private ApiKeySecret(String value) {
        this.value = value;
    }

    /** A fresh random secret. */
    public static ApiKeySecret generate(boolean test) {
        return new ApiKeySecret((test ? "rt_test_" : "rt_live_") + RandomIds.alphanumeric(32));
    }

    /** Whether {@code text} has the shape of a key; says nothing of whether such a key exists. */
    public static boolean isWellFormed(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    /** The secret in {@code text}, which must be {@link #isWellFormed well formed}. */
    public static ApiKeySecret of(String text) {
        if (!isWellFormed(text)) {
            throw new IllegalArgumentException("not an API key: expected rt_live_ or rt_test_ and 32 letters or digits");
        }
        return new ApiKeySecret(text);
    }

    public boolean isTest() {
        return value.startsWith("rt_test_");
    }

    /** The value to show the client once, at creation. */
    public String reveal() {
        return value;
    }

    /** What a list shows to tell keys apart, e.g. {@code rt_live_aB3x}. */
    public String displayPrefix() {
        return value.substring(0, DISPLAY_PREFIX_LENGTH);
    }

    /** The lookup hash: lowercase hex SHA-256 of the whole secret. */
    public String sha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return displayPrefix() + "…";
    }
}
