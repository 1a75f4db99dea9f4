package dev.corral.core.org;

import dev.corral.core.error.CorralException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An organization's plan; it selects the rate and plan limits that apply to everything the organization does. */
public enum Tier {
    FREE, PRO, TEAM, ENTERPRISE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tier named {@code text}, or {@code validation_failed} on {@code field} listing the tiers there are. */
    public static Tier parse(String field, String text) {
        for (Tier tier : values()) {
            if (tier.wire().equals(text)) {
                return tier;
            }
        }
        throw CorralException.invalid(field, "must be one of " + Arrays.stream(values()).map(Tier::wire)
                .collect(Collectors.joining(", ")));
    }
}
