package dev.corral.core.id;

import dev.corral.core.error.CorralException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The one rule for slugs (organizations, workspaces): lower-case letters, digits and inner dashes, 1 to 64. */
public final class Slugs {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final int MAX_LENGTH = 64;

    private Slugs() {
    }

    /** {@code slug} when it follows the rule; {@code validation_failed} naming {@code field} otherwise. */
    public static String requireValid(String field, String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw CorralException.invalid(field,
                    "must be 1 to 64 of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        return slug;
    }

    /** Whether {@code text} follows the rule. */
    public static boolean isSlug(String text) {
        return text != null && SLUG.matcher(text).matches();
    }

    /** A slug made from a display name, or {@code fallback} when the name holds no letter or digit. */
    public static String of(String name, String fallback) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > MAX_LENGTH) {
            slug = slug.substring(0, MAX_LENGTH).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? fallback : slug;
    }
}
