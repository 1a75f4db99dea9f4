package dev.corral.core.id;

import java.security.SecureRandom;

/** The one source of random identifiers and secrets: unguessable strings over a given alphabet. */
public final class RandomIds {
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String LOWER_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    /** {@code length} characters of {@code [A-Za-z0-9]}, as API key secrets use. */
    public static String alphanumeric(int length) {
        return draw(ALPHANUMERIC, length);
    }

    /** {@code length} characters of {@code [a-z0-9]}, as sandbox and request ids use. */
    public static String lowerAlphanumeric(int length) {
        return draw(LOWER_ALPHANUMERIC, length);
    }

    /** A new id with a prefix, e.g. {@code prefixed("req_", 20)}. */
    public static String prefixed(String prefix, int length) {
        return prefix + lowerAlphanumeric(length);
    }

    private static String draw(String alphabet, int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
