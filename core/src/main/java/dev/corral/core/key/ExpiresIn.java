package dev.corral.core.key;

import dev.corral.core.error.CorralException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses a key lifetime as RunTools writes it: {@code <n>d}, {@code <n>m} (months of 30 days), {@code <n>y}
 * (365 days) or {@code never}. Hours ({@code <n>h}) are accepted too, for short-lived automation keys.
 */
public final class ExpiresIn {
    private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,5})([hdmy])");
    private static final Duration LONGEST = Duration.ofDays(100 * 365);

    private ExpiresIn() {
    }

    /** The lifetime, or empty for {@code never}; {@code validation_failed} on {@code field} otherwise. */
    public static Optional<Duration> parse(String field, String text) {
        if (text == null || text.equals("never")) {
            return Optional.empty();
        }
        var match = FORMAT.matcher(text);
        if (!match.matches()) {
            throw CorralException.invalid(field, "must look like 30d, 12m, 1y, 24h or never");
        }
        long n = Long.parseLong(match.group(1));
        Duration unit = switch (match.group(2)) {
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            case "m" -> Duration.ofDays(30);
            default -> Duration.ofDays(365);
        };
        Duration lifetime = unit.multipliedBy(n);
        if (lifetime.compareTo(LONGEST) > 0) {
            throw CorralException.invalid(field, "must be at most 100y");
        }
        return Optional.of(lifetime);
    }
}
