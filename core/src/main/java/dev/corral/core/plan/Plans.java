package dev.corral.core.plan;

import dev.corral.core.org.Tier;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** The limits of every tier: the RunTools DEV limits table by default, enterprise's rate configurable. */
public record Plans(Map<Tier, PlanLimits> byTier) {
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    public Plans {
        byTier = Map.copyOf(byTier);
        for (Tier tier : Tier.values()) {
            Objects.requireNonNull(byTier.get(tier), () -> "no limits for tier " + tier.wire());
        }
    }

    public PlanLimits of(Tier tier) {
        return byTier.get(tier);
    }

    /** The DEV limits table, with enterprise's request rate as given (the table says "custom"). */
    public static Plans defaults(int enterpriseRequestsPerMinute, int enterpriseBurst) {
        var limits = new EnumMap<Tier, PlanLimits>(Tier.class);
        limits.put(Tier.FREE, new PlanLimits(60, 10, 5, 5, Duration.ofHours(1), Duration.ofMinutes(10),
                2, 2 * GB, 10 * GB, Duration.ofSeconds(30), MB, 100 * MB, 10 * GB, 5));
        limits.put(Tier.PRO, new PlanLimits(300, 50, 20, 20, Duration.ofHours(4), Duration.ofMinutes(30),
                4, 4 * GB, 50 * GB, Duration.ofSeconds(60), 10 * MB, 500 * MB, 50 * GB, 10));
        limits.put(Tier.TEAM, new PlanLimits(1000, 200, 100, 100, Duration.ofHours(24), Duration.ofHours(2),
                8, 16 * GB, 100 * GB, Duration.ofMinutes(5), 50 * MB, 2 * GB, 500 * GB, 20));
        limits.put(Tier.ENTERPRISE, new PlanLimits(enterpriseRequestsPerMinute, enterpriseBurst, Integer.MAX_VALUE,
                Integer.MAX_VALUE, Duration.ZERO, Duration.ZERO, 16, 64 * GB, 500 * GB, Duration.ofMinutes(30),
                // Output is held in memory until the answer is written: 10 MB keeps a flood of commands affordable.
                10 * MB, 10 * GB, Long.MAX_VALUE, 50));
        return new Plans(limits);
    }
}
